using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace StripeWebhooks.Application;

/// <summary>
/// The application's own handlers, registered in one place. Every host calls this through
/// <see cref="ServiceCollectionExtensions.AddStripeWebhooks"/>: the function app, <c>webhooks serve</c>, <c>replay</c>
/// and every other command, so a replayed event runs the handlers a delivery runs.
/// </summary>
internal static class ApplicationHandlers
{
    /// <summary>Registers the application's event handlers and outbox consumers; add yours here.</summary>
    /// <remarks>
    /// Event handlers (<c>services.AddStripeEventHandler&lt;T&gt;()</c>) run in the claim's transaction after the
    /// built-in ones; outbox consumers (<c>services.AddOutboxMessageHandler&lt;T&gt;()</c>) run after the commit.
    /// See docs/handlers.md.
    /// </remarks>
    public static IServiceCollection AddApplicationHandlers(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        // The example, switched on by a development mailbox: a welcome e-mail per completed checkout.
        if (configuration[WelcomeEmail.MailboxSetting] is { Length: > 0 } mailbox)
        {
            services.AddWelcomeEmail(mailbox);
        }

        return services;
    }
}
