namespace StripeWebhooks.Outbox;

/// <summary>The queue did not accept messages (down, unreachable, refused); they stay undispatched for the sweep.</summary>
internal sealed class OutboxTransportException(string message, Exception innerException) : Exception(message, innerException);
