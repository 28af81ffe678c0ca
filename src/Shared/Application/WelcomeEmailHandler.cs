using Microsoft.Extensions.Logging;
using Npgsql;
using StripeWebhooks.Outbox;

namespace StripeWebhooks.Application;

/// <summary>
/// The consumer half of the welcome e-mail example (docs/handlers.md): "sends" each <c>welcome_email.requested</c> by
/// writing it to a mailbox directory (<c>Outbox__DevelopmentMailbox</c>), one file per message id. A real one calls an
/// e-mail API with <see cref="OutboxMessage.Id"/> as its idempotency key.
/// </summary>
internal sealed partial class WelcomeEmailHandler(string mailbox, ILogger<WelcomeEmailHandler> logger) : IOutboxMessageHandler
{
    // Once, when the handler is made, not per message.
    private readonly string _mailbox = Directory.CreateDirectory(mailbox).FullName;

    public string Name => "welcome-email";

    public IReadOnlyCollection<string> MessageTypes { get; } = [WelcomeEmail.MessageType];

    public async Task HandleAsync(OutboxMessage message, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var userId = message.Payload.GetProperty("userId").GetString();
        var path = Path.Combine(_mailbox, string.Concat(message.Id.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_')) + ".eml");
        try
        {
            // The message id is the idempotency key: the same message never writes a second e-mail.
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            await using var writer = new StreamWriter(file);
            await writer.WriteAsync($"X-Idempotency-Key: {message.Id}\nTo: {userId}\nSubject: Welcome\n\nThanks for subscribing.\n");
        }
        catch (IOException) when (File.Exists(path))
        {
            LogAlreadySent(logger, message.Id);
            return;
        }

        LogSent(logger, message.Id);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Welcome e-mail for {MessageId} written to the development mailbox")]
    private static partial void LogSent(ILogger logger, string messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Welcome e-mail for {MessageId} was already sent; not sent again")]
    private static partial void LogAlreadySent(ILogger logger, string messageId);
}
