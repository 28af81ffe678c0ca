using Npgsql;
using StripeWebhooks.Events;
using StripeWebhooks.Outbox;
using static StripeWebhooks.Persistence.SqlCommands;

namespace StripeWebhooks.Billing;

/// <summary>
/// The built-in outbox producer: one <c>entitlement.changed</c> message per user whose row of the
/// <c>entitlements</c> view an event changes (tier or status), written in the claim's transaction.
/// </summary>
/// <remarks>
/// One statement follows the entitlement writers' statements in their batch, so the one-round-trip path stays one round
/// trip. The writers' statements that change an entitlement say so as they write (<see cref="MarkChanged"/>, in their
/// RETURNING); for any other event the statement stops at that one check and calls nothing. Otherwise it calls
/// <c>stripe_announce_entitlements</c> (migration 0011), which locks the touched users' announcement rows in user id
/// order, reads their rows of the view and writes the messages: the rules (lock order, the per-user chain, the users an
/// event may touch) are in the migration and docs/entitlements.md.
/// </remarks>
internal static class EntitlementAnnouncements
{
    // Transaction-local, so it ends with the transaction, or with the savepoint a failed handler rolls back to.
    private const string ChangedBy = "stripe_webhooks.entitlement_changed_by";

    // $1 event id, $2 the user the event names, $3 its customer, $4 its subscription, $5 its created (Unix seconds).
    // The check is a one-time filter: when it is false the function is never called. One row when messages were written.
    internal const string AnnounceSql = $"""
        SELECT messages FROM stripe_announce_entitlements($1, $2, $3, $4, $5) AS messages
        WHERE current_setting('{ChangedBy}', true) = $1 AND messages > 0
        """;

    /// <summary>SQL for a writer's RETURNING: this event (the id in <paramref name="eventIdParameter"/>) changed an entitlement.</summary>
    internal static string MarkChanged(string eventIdParameter) => $"set_config('{ChangedBy}', {eventIdParameter}, true)";

    /// <summary>
    /// Adds the announcement after the event's writes. Returns the after-commit work: wake the outbox dispatcher if
    /// messages were written.
    /// </summary>
    public static Action Add(NpgsqlBatch batch, StripeEvent stripeEvent, string? userId, string? customerId, string? subscriptionId, OutboxSignal outbox)
    {
        var announce = Command(AnnounceSql, Text(stripeEvent.Id), Text(userId), Text(customerId), Text(subscriptionId),
            Long(stripeEvent.Created.ToUnixTimeSeconds()));
        batch.BatchCommands.Add(announce);
        return () =>
        {
            if (announce.Rows > 0)
            {
                outbox.Notify();
            }
        };
    }
}
