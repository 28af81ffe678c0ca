using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace StripeWebhooks.Http;

/// <summary>The small JSON bodies the endpoints answer with.</summary>
internal static class WebhookResponses
{
    public static IResult Accepted(string eventId, bool duplicate, string? ignored = null) =>
        Results.Json(new WebhookAcceptedBody(true, duplicate, eventId, ignored), WebhookJsonContext.Default.WebhookAcceptedBody);

    /// <summary>
    /// 200 so Stripe stops retrying, but saying the event was parked, not applied: <c>"parked":true</c>.
    /// </summary>
    public static IResult Parked(string eventId) =>
        Results.Json(new WebhookAcceptedBody(true, false, eventId) { Parked = true }, WebhookJsonContext.Default.WebhookAcceptedBody);

    public static IResult Error(int statusCode, string error, string message, string? eventId = null) =>
        Results.Json(new WebhookErrorBody(error, message, eventId), WebhookJsonContext.Default.WebhookErrorBody, statusCode: statusCode);

    public static IResult Health(bool healthy) =>
        Results.Json(new HealthBody(healthy ? "ok" : "unavailable"), WebhookJsonContext.Default.HealthBody,
            statusCode: healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
}

/// <summary>
/// <c>{"received":true,"duplicate":false,"eventId":"evt_..."}</c>, plus <c>"ignored":"livemode"</c> for an event of the
/// mode not applied, or <c>"parked":true</c> when parked.
/// </summary>
internal sealed record WebhookAcceptedBody(bool Received, bool Duplicate, string EventId, string? Ignored = null)
{
    /// <summary>True when the handlers failed too often and the event was parked; absent otherwise.</summary>
    public bool? Parked { get; init; }
}

/// <summary><c>{"error":"invalid_signature","message":"...","eventId":"evt_..."}</c></summary>
internal sealed record WebhookErrorBody(string Error, string Message, string? EventId);

/// <summary><c>{"status":"ok"}</c></summary>
internal sealed record HealthBody(string Status);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WebhookAcceptedBody))]
[JsonSerializable(typeof(WebhookErrorBody))]
[JsonSerializable(typeof(HealthBody))]
internal sealed partial class WebhookJsonContext : JsonSerializerContext;
