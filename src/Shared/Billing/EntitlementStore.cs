using Npgsql;
using NpgsqlTypes;
using StripeWebhooks.Events;

namespace StripeWebhooks.Billing;

/// <summary>
/// The SQL behind the entitlement handlers: <c>stripe_subscriptions</c>, <c>stripe_customers</c> and
/// <c>billing_settings</c> (migration 0002). A handler's writes go through the claim's transaction, in one round trip.
/// </summary>
/// <remarks>
/// Ordering: a subscription row carries the <c>created</c> time and id of the event that last changed it
/// (the watermark). An event changes the row only when it is newer than the watermark, or exactly as old
/// and not behind it in Stripe's lifecycle (<see cref="LifecycleRank"/>); otherwise it is still claimed
/// (200) but does not change the status. Price, tier, period end and cancel_at_period_end follow a second
/// watermark kept by subscription events alone (the only events that carry them), so an invoice event
/// that is newest for the status never freezes an older price in place.
/// <para>
/// Concurrency: each statement of a batch takes a fresh snapshot (READ COMMITTED), so once
/// <c>SELECT ... FOR UPDATE</c> holds the row, the comparisons that follow see its latest committed
/// state and nobody can change it before COMMIT. Rows are always locked customers first, then
/// subscriptions, so two events never wait on each other in opposite orders.
/// </para>
/// </remarks>
internal static class EntitlementStore
{
    // Learned from a checkout session or subscription metadata; an older event never re-links a customer.
    private const string LinkCustomerSql = """
        INSERT INTO stripe_customers AS c (customer_id, user_id, last_event_id, last_event_created)
        VALUES ($1, $2, $3, $4)
        ON CONFLICT (customer_id) DO UPDATE SET
            user_id = excluded.user_id,
            last_event_id = excluded.last_event_id,
            last_event_created = excluded.last_event_created,
            updated_at = now()
        WHERE c.user_id <> excluded.user_id AND c.last_event_created <= excluded.last_event_created
        """;

    // A new subscription starts from this event's state; an existing one is left to the statements below.
    private const string InsertSubscriptionSql = """
        INSERT INTO stripe_subscriptions (subscription_id, customer_id, user_id, status, tier, price_id,
            current_period_end, cancel_at_period_end, last_event_id, last_event_created, details_event_created, revision)
        VALUES ($1, $2, $3, $4, $5, $6, $7, COALESCE($8, FALSE), $9, $10, CASE WHEN $6::text IS NOT NULL THEN $10 END, 1)
        ON CONFLICT (subscription_id) DO NOTHING
        """;

    // The row exists now (inserted above, by us or a concurrent event that committed first); hold it until COMMIT.
    private const string LockSubscriptionSql = "SELECT 1 FROM stripe_subscriptions WHERE subscription_id = $1 FOR UPDATE";

    // The status watermark. Skipped when the insert above already wrote this event (last_event_id = $9).
    // $5..$8 are unused here (the details statement below owns them) but keep one parameter list.
    private static readonly string ApplySubscriptionSql = $"""
        UPDATE stripe_subscriptions SET
            customer_id = COALESCE($2, customer_id),
            user_id = COALESCE($3, user_id),
            status = $4,
            last_event_id = $9,
            last_event_created = $10,
            revision = revision + 1,
            updated_at = now()
        WHERE subscription_id = $1
          AND last_event_id IS DISTINCT FROM $9
          AND (last_event_created IS NULL
               OR $10 > last_event_created
               OR ($10 = last_event_created AND {LifecycleRank("$4")} >= {LifecycleRank("status")}))
          AND (status IS NULL OR $11::text[] IS NULL OR status = ANY($11))
        """;

    // The details watermark: only subscription events carry a price ($6 IS NOT NULL), and the newest of them
    // (same second: the later delivery) sets price, tier, period and cancel_at_period_end, whatever invoice
    // events did to the status meanwhile. Price and tier go together: they describe the same item.
    private const string ApplyDetailsSql = """
        UPDATE stripe_subscriptions SET
            tier = $5,
            price_id = $6,
            current_period_end = COALESCE($7, current_period_end),
            cancel_at_period_end = COALESCE($8, cancel_at_period_end),
            details_event_created = $10,
            updated_at = now()
        WHERE subscription_id = $1
          AND $6::text IS NOT NULL
          AND last_event_id IS DISTINCT FROM $9
          AND (details_event_created IS NULL OR $10 >= details_event_created)
        """;

    // An event that did not apply still fills what nobody told us yet: who the subscription belongs to.
    private const string FillOwnerSql = """
        UPDATE stripe_subscriptions SET
            customer_id = COALESCE(customer_id, $2),
            user_id = COALESCE(user_id, $3),
            updated_at = now()
        WHERE subscription_id = $1
          AND ((customer_id IS NULL AND $2 IS NOT NULL) OR (user_id IS NULL AND $3 IS NOT NULL))
        """;

    // A checkout session names the subscription before, or after, its own events: record it either way.
    private const string RecordCheckoutSubscriptionSql = """
        INSERT INTO stripe_subscriptions AS s (subscription_id, customer_id)
        VALUES ($1, $2)
        ON CONFLICT (subscription_id) DO UPDATE SET customer_id = excluded.customer_id, updated_at = now()
        WHERE s.customer_id IS NULL AND excluded.customer_id IS NOT NULL
        """;

    private const string PublishDefaultTierSql = """
        INSERT INTO billing_settings AS b (singleton, default_tier) VALUES (TRUE, $1)
        ON CONFLICT (singleton) DO UPDATE SET default_tier = excluded.default_tier, updated_at = now()
        WHERE b.default_tier <> excluded.default_tier
        """;

    /// <summary>
    /// Applies <paramref name="change"/> under the watermark rules; returns true when it became the row's
    /// latest state, false when the row already reflected a newer (or same-second, later-stage) event.
    /// </summary>
    public static async Task<bool> ApplySubscriptionChangeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        StripeEvent stripeEvent, SubscriptionChange change, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        if (change is { CustomerId: { } customerId, UserId: { } userId })
        {
            batch.BatchCommands.Add(Command(LinkCustomerSql, Text(customerId), Text(userId), Text(stripeEvent.Id), Time(stripeEvent.Created)));
        }

        var insert = Command(InsertSubscriptionSql, Text(change.SubscriptionId), Text(change.CustomerId), Text(change.UserId),
            Text(change.Status), Text(change.Tier), Text(change.PriceId), Time(change.CurrentPeriodEnd), Bool(change.CancelAtPeriodEnd),
            Text(stripeEvent.Id), Time(stripeEvent.Created));
        batch.BatchCommands.Add(insert);
        batch.BatchCommands.Add(Command(LockSubscriptionSql, Text(change.SubscriptionId)));
        var apply = Command(ApplySubscriptionSql, Text(change.SubscriptionId), Text(change.CustomerId), Text(change.UserId),
            Text(change.Status), Text(change.Tier), Text(change.PriceId), Time(change.CurrentPeriodEnd), Bool(change.CancelAtPeriodEnd),
            Text(stripeEvent.Id), Time(stripeEvent.Created), TextArray(change.OnlyFromStatuses));
        // Details first: it recognises "already written by the insert above" by last_event_id, which apply moves.
        batch.BatchCommands.Add(Command(ApplyDetailsSql, Text(change.SubscriptionId), Text(change.CustomerId), Text(change.UserId),
            Text(change.Status), Text(change.Tier), Text(change.PriceId), Time(change.CurrentPeriodEnd), Bool(change.CancelAtPeriodEnd),
            Text(stripeEvent.Id), Time(stripeEvent.Created)));
        batch.BatchCommands.Add(apply);
        batch.BatchCommands.Add(Command(FillOwnerSql, Text(change.SubscriptionId), Text(change.CustomerId), Text(change.UserId)));

        await batch.ExecuteNonQueryAsync(cancellationToken);
        return insert.RecordsAffected == 1 || apply.RecordsAffected == 1;
    }

    /// <summary>Links a checkout session's customer to its app user and records its subscription.</summary>
    public static async Task LinkCheckoutAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        StripeEvent stripeEvent, CheckoutSessionPayload session, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        if (session is { CustomerId: { } customerId, UserId: { } userId })
        {
            batch.BatchCommands.Add(Command(LinkCustomerSql, Text(customerId), Text(userId), Text(stripeEvent.Id), Time(stripeEvent.Created)));
        }

        if (session.SubscriptionId is { } subscriptionId)
        {
            batch.BatchCommands.Add(Command(RecordCheckoutSubscriptionSql, Text(subscriptionId), Text(session.CustomerId)));
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Stores <c>Billing__DefaultTier</c> where the <c>entitlements</c> view reads it (no write when unchanged).</summary>
    public static async Task PublishDefaultTierAsync(NpgsqlDataSource dataSource, string defaultTier, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(PublishDefaultTierSql);
        command.Parameters.Add(Text(defaultTier));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Stripe's lifecycle order, used only to break a tie between two events of the same second (Stripe's
    /// <c>created</c> has one-second resolution and delivery order is not guaranteed). Within one second a
    /// subscription only moves forward: incomplete -> trialing -> active -> past_due/paused -> unpaid ->
    /// canceled/incomplete_expired. The backward moves (a failed payment recovered, a pause resumed) need a
    /// retry or a customer and so come seconds to days later, where the timestamps decide. Equal ranks
    /// (e.g. two same-second updates of an active subscription): the later delivery wins. Unknown statuses
    /// rank lowest, so they never override a known status of the same second.
    /// </summary>
    private static string LifecycleRank(string status) => $"""
        CASE {status} WHEN 'incomplete' THEN 0 WHEN 'trialing' THEN 1 WHEN 'active' THEN 2
            WHEN 'past_due' THEN 3 WHEN 'paused' THEN 3 WHEN 'unpaid' THEN 4
            WHEN 'canceled' THEN 5 WHEN 'incomplete_expired' THEN 5 ELSE -1 END
        """;

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlParameter Text(string? value) => new() { Value = value ?? (object)DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    private static NpgsqlParameter TextArray(string[]? values) =>
        new() { Value = values ?? (object)DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };

    private static NpgsqlParameter Time(DateTimeOffset? value) => new() { Value = value ?? (object)DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz };

    private static NpgsqlParameter Bool(bool? value) => new() { Value = value ?? (object)DBNull.Value, NpgsqlDbType = NpgsqlDbType.Boolean };
}
