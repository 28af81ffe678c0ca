using System.Text.Json;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Outbox;

/// <summary>The <c>entitlement.changed</c> messages in the outbox, read back for assertions.</summary>
public static class EntitlementMessages
{
    public sealed record Message(string Id, string EventId, string UserId, long Sequence, (string Tier, string? Status) Previous, (string Tier, string? Status) Current, JsonElement Payload);

    /// <summary>One user's messages, in <c>sequence</c> order.</summary>
    public static async Task<List<Message>> ForUserAsync(WebhookTestServer server, string userId)
    {
        await using var command = server.DataSource.CreateCommand(
            "SELECT payload::text FROM stripe_outbox WHERE type = 'entitlement.changed' AND payload->>'userId' = $1 ORDER BY (payload->>'sequence')::bigint");
        command.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = userId });
        var messages = new List<Message>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var payload = JsonDocument.Parse(reader.GetString(0)).RootElement;
            messages.Add(new Message(
                payload.GetProperty("id").GetString()!,
                payload.GetProperty("eventId").GetString()!,
                payload.GetProperty("userId").GetString()!,
                payload.GetProperty("sequence").GetInt64(),
                Pair(payload.GetProperty("previous")),
                Pair(payload.GetProperty("current")),
                payload));
        }

        return messages;
    }

    /// <summary>
    /// Asserts the chain: the first message starts from the default tier with no status, each previous is the
    /// current before it, consecutive sequence numbers, no message that changes nothing, and the last current is the view.
    /// </summary>
    public static async Task<List<Message>> AssertChainAsync(WebhookTestServer server, string userId, string defaultTier = "free")
    {
        var messages = await ForUserAsync(server, userId);
        var expectedPrevious = (defaultTier, (string?)null);
        for (var i = 0; i < messages.Count; i++)
        {
            Assert.Equal(expectedPrevious, messages[i].Previous);
            Assert.NotEqual(messages[i].Previous, messages[i].Current);
            if (i > 0)
            {
                Assert.Equal(messages[i - 1].Sequence + 1, messages[i].Sequence);
            }

            expectedPrevious = messages[i].Current;
        }

        var view = await Billing.Entitlement.ReadAsync(server, userId);
        Assert.Equal(view is null ? (defaultTier, null) : (view.Tier, view.Status), expectedPrevious);
        return messages;
    }

    private static (string Tier, string? Status) Pair(JsonElement element) =>
        (element.GetProperty("tier").GetString()!, element.GetProperty("status").ValueKind == JsonValueKind.Null ? null : element.GetProperty("status").GetString());
}
