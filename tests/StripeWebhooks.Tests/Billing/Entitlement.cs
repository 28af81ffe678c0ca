using System.Net;
using System.Text.Json.Nodes;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Billing;

/// <summary>A row of the <c>entitlements</c> view, read the way applications do.</summary>
public sealed record Entitlement(string Tier, string? Status, DateTimeOffset? CurrentPeriodEnd, bool CancelAtPeriodEnd, string StripeSubscriptionId)
{
    /// <summary><c>SELECT ... FROM entitlements WHERE user_id = $1</c>; null when the view has no row for the user.</summary>
    public static async Task<Entitlement?> ReadAsync(WebhookTestServer server, string userId)
    {
        await using var command = server.DataSource.CreateCommand(
            "SELECT tier, status, current_period_end, cancel_at_period_end, stripe_subscription_id FROM entitlements WHERE user_id = $1");
        command.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = userId });
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return null;
        }

        var row = new Entitlement(
            reader.GetString(0),
            reader.IsDBNull(1) ? null : reader.GetString(1),
            reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
            reader.GetBoolean(3),
            reader.GetString(4));
        Assert.False(await reader.ReadAsync(), "the view must have one row per user");
        return row;
    }

    /// <summary>Delivers <paramref name="stripeEvent"/> and asserts it was processed (not a duplicate).</summary>
    public static async Task DeliverAsync(WebhookTestServer server, JsonNode stripeEvent)
    {
        using var response = await server.PostSignedAsync(stripeEvent);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{stripeEvent["id"]}: {(int)response.StatusCode} {body}");
        Assert.Contains("\"duplicate\":false", body, StringComparison.Ordinal);
    }

    /// <summary>The tier and status of <paramref name="entitlement"/>, asserting the user has a row.</summary>
    public static (string Tier, string? Status) Pair(Entitlement? entitlement)
    {
        Assert.NotNull(entitlement);
        return (entitlement.Tier, entitlement.Status);
    }

    public static DateTimeOffset At(long unixSeconds) => DateTimeOffset.FromUnixTimeSeconds(unixSeconds);
}
