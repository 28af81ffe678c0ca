using Dapper;
using Npgsql;

namespace StripeWebhooks.Operations;

/// <summary>Reads the <c>entitlements</c> view for <c>webhooks entitlements</c>.</summary>
internal sealed class EntitlementQueries(NpgsqlDataSource dataSource)
{
    /// <summary>One user's row (or none), or every user's when <paramref name="userId"/> is null, by user id.</summary>
    public async Task<IReadOnlyList<EntitlementRecord>> ListAsync(string? userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<EntitlementRecord>(new CommandDefinition("""
            SELECT user_id AS "UserId", tier AS "Tier", status AS "Status", current_period_end AS "CurrentPeriodEnd",
                   cancel_at_period_end AS "CancelAtPeriodEnd", stripe_subscription_id AS "SubscriptionId"
            FROM entitlements
            WHERE @userId::text IS NULL OR user_id = @userId
            ORDER BY user_id
            """, new { userId }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>The tier of a user with no row (<c>billing_settings</c>, written from <c>Billing__DefaultTier</c> at start-up).</summary>
    public async Task<string> DefaultTierAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            "SELECT COALESCE((SELECT default_tier FROM billing_settings), 'free')", cancellationToken: cancellationToken)))!;
    }
}
