using Npgsql;

namespace StripeWebhooks.Outbox;

/// <summary>A consumer of outbox messages: the side effect outside the claim's transaction (e-mail, CRM, quota service).</summary>
/// <remarks>
/// Each message reaches each handler at least once. The handler runs in a transaction of its own that also writes its
/// receipt (message id, <see cref="Name"/>): when it commits, later deliveries of the message skip the handler. So a
/// handler whose effect is in Postgres (written through <c>connection</c> and <c>transaction</c>) applies it exactly
/// once; a handler that calls an outside service passes <see cref="OutboxMessage.Id"/> as that call's idempotency key,
/// since the call may be repeated when the commit after it does not happen. Throw to have the message retried, up to
/// <c>Outbox__MaxDequeueCount</c> deliveries, then it is poison (see <c>webhooks outbox</c>).
/// </remarks>
public interface IOutboxMessageHandler
{
    /// <summary>A stable name, part of the receipt's key: renaming a handler makes it see every message again.</summary>
    string Name { get; }

    /// <summary>The message types (e.g. <c>entitlement.changed</c>) this handler consumes.</summary>
    IReadOnlyCollection<string> MessageTypes { get; }

    /// <summary>Applies the message.</summary>
    Task HandleAsync(OutboxMessage message, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken);
}
