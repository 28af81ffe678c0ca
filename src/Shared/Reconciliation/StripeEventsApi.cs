using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Options;
using Stripe;

namespace StripeWebhooks.Reconciliation;

/// <summary>Lists events from Stripe's <c>GET /v1/events</c> through Stripe.net (<see cref="EventService"/>, auto-paging).</summary>
/// <remarks>
/// Stripe.net retries 429, 5xx and network failures itself (<c>Stripe__MaxNetworkRetries</c>, honouring
/// <c>Stripe-Should-Retry</c>). Each event is handed on as the exact JSON Stripe sent, for our own envelope parser.
/// </remarks>
internal sealed class StripeEventsApi(IOptions<StripeApiOptions> options)
{
    // One HTTP client for the process: Stripe.net's SystemNetHttpClient wraps it, and the key is set on the StripeClient.
    private readonly Lazy<EventService> _events = new(() => CreateService(options.Value));

    /// <summary>Where requests go (never the key).</summary>
    public string ApiBase => string.IsNullOrEmpty(options.Value.ApiBase) ? StripeClient.DefaultApiBase : options.Value.ApiBase;

    /// <summary>The events of <paramref name="types"/> (at most 20) created in <paramref name="window"/>, newest first, as raw JSON.</summary>
    public async IAsyncEnumerable<byte[]> ListAsync(IReadOnlyList<string> types, ReconcileWindow window, int pageSize,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var list = new EventListOptions
        {
            Types = [.. types],
            Limit = pageSize,
            Created = new DateRangeOptions { GreaterThanOrEqual = window.From.UtcDateTime, LessThan = window.To.UtcDateTime },
        };
        await foreach (var listed in _events.Value.ListAutoPagingAsync(list, requestOptions: null, cancellationToken))
        {
            // Stripe.net keeps the JSON it read each event from; its typed view is not ours to apply.
            var raw = listed.RawJsonElement ?? throw new InvalidOperationException($"Stripe.net kept no JSON for {listed.Id}.");
            yield return Encoding.UTF8.GetBytes(raw.GetRawText());
        }
    }

    private static EventService CreateService(StripeApiOptions settings)
    {
        var http = new SystemNetHttpClient(new HttpClient { Timeout = TimeSpan.FromSeconds(80) }, settings.MaxNetworkRetries);
        var client = new StripeClient(new StripeClientOptions
        {
            ApiKey = settings.ApiKey,
            ApiBase = string.IsNullOrEmpty(settings.ApiBase) ? null : settings.ApiBase.TrimEnd('/'),
            HttpClient = http,
        });
        return new EventService(client);
    }
}
