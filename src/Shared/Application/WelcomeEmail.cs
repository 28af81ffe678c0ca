using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StripeWebhooks.Outbox;

namespace StripeWebhooks.Application;

/// <summary>
/// The welcome e-mail example: <see cref="WelcomeEmailRequest"/> writes a <c>welcome_email.requested</c> outbox message
/// in the claim's transaction, and <see cref="WelcomeEmailHandler"/> "sends" it into a mailbox directory after the commit.
/// </summary>
internal static class WelcomeEmail
{
    /// <summary>The setting naming the development mailbox (<c>Outbox__DevelopmentMailbox</c>); unset, the example is off.</summary>
    public const string MailboxSetting = "Outbox:DevelopmentMailbox";

    /// <summary>The outbox message type the producer writes and the consumer reads.</summary>
    public const string MessageType = "welcome_email.requested";

    /// <summary>Registers the producer and the consumer, writing into <paramref name="mailbox"/>.</summary>
    public static IServiceCollection AddWelcomeEmail(this IServiceCollection services, string mailbox)
    {
        services.AddStripeEventHandler<WelcomeEmailRequest>();
        services.AddSingleton<IOutboxMessageHandler>(provider =>
            new WelcomeEmailHandler(mailbox, provider.GetRequiredService<ILogger<WelcomeEmailHandler>>()));
        return services;
    }
}
