using System.Text.Json;

namespace StripeWebhooks.Tests.Support;

/// <summary>Reads response bodies for assertions.</summary>
public static class JsonBody
{
    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<string?> ErrorAsync(HttpResponseMessage response) =>
        (await ReadAsync(response)).TryGetProperty("error", out var error) ? error.GetString() : null;
}
