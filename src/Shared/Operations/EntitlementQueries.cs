using Npgsql;

namespace StripeWebhooks.Operations;

/// <summary>Reads the <c>entitlements</c> view for <c>webhooks entitlements</c>.</summary>
public sealed class EntitlementQueries(NpgsqlDataSource dataSource)
{
    /// <summary>One user's row (or none), or every user's when <paramref name="userId"/> is null, by user id.</summary>
    public async Task<IReadOnlyList<EntitlementRecord>> ListAsync(string? userId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT user_id, tier, status, current_period_end, cancel_at_period_end, stripe_subscription_id
            FROM entitlements
            WHERE $1::text IS NULL OR user_id = $1
            ORDER BY user_id
            """);
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = userId });
        var rows = new List<EntitlementRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new EntitlementRecord(
                reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetDateTime(3), reader.IsDBNull(4) ? null : reader.GetBoolean(4),
                reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return rows;
    }

    /// <summary>The tier of a user with no row (<c>billing_settings</c>, written from <c>Billing__DefaultTier</c> at start-up).</summary>
    public async Task<string> DefaultTierAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT COALESCE((SELECT default_tier FROM billing_settings), 'free')");
        return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
