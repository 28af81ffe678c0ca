using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace StripeWebhooks.Tests.Reconciliation;

/// <summary>
/// Stripe's <c>GET /v1/events</c> as Stripe documents it, on a loopback port: Bearer auth (401 with Stripe's error
/// body), <c>limit</c> 1-100 (default 10), <c>starting_after</c>, <c>ending_before</c>, <c>created</c> and
/// <c>created[gt|gte|lt|lte]</c>, <c>type</c> or up to 20 <c>types[]</c>, newest first, in Stripe's list shape.
/// A 429 with <c>Stripe-Should-Retry: true</c> on demand.
/// </summary>
public sealed class StripeEventsApiServer : IAsyncDisposable
{
    public const string ApiKey = "rk_test_reconcileTestKey0001";

    private readonly WebApplication _app;
    private readonly List<Listed> _events = [];
    private readonly HashSet<string> _listedWhateverTheFilter = new(StringComparer.Ordinal);
    private readonly List<string> _queries = [];
    private int _sequence;
    private int _rateLimited;

    private StripeEventsApiServer(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    /// <summary>Requests received (every status).</summary>
    public int Requests { get { lock (_events) { return _queries.Count; } } }

    /// <summary>The query strings received, in order.</summary>
    public IReadOnlyList<string> Queries { get { lock (_events) { return [.. _queries]; } } }

    /// <summary>The settings that point the pipeline's reconciler here.</summary>
    public Dictionary<string, string?> Settings(string? apiKey = ApiKey) => new()
    {
        ["Stripe__ApiKey"] = apiKey,
        ["Stripe__ApiBase"] = BaseUrl,
    };

    public static async Task<StripeEventsApiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new StripeEventsApiServer(app);
        app.MapGet("/v1/events", server.List);
        await app.StartAsync();
        server.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return server;
    }

    /// <summary>Adds events (Stripe-shaped JSON); events added later are newer within the same second.</summary>
    public void Add(IEnumerable<JsonObject> events)
    {
        lock (_events)
        {
            foreach (var e in events)
            {
                _events.Add(new Listed((string)e["id"]!, (string)e["type"]!, (long)e["created"]!, e.ToJsonString(), ++_sequence));
            }
        }
    }

    /// <summary>Lists <paramref name="eventId"/> whatever <c>created</c> filter a request has (a server that misbehaves).</summary>
    public void ListWhateverTheCreatedFilter(string eventId)
    {
        lock (_events)
        {
            _listedWhateverTheFilter.Add(eventId);
        }
    }

    /// <summary>Answers the next <paramref name="times"/> requests 429 with <c>Stripe-Should-Retry: true</c>.</summary>
    public void RateLimitNext(int times) => Interlocked.Exchange(ref _rateLimited, times);

    private async Task List(HttpContext context)
    {
        var query = context.Request.Query;
        lock (_events)
        {
            _queries.Add(context.Request.QueryString.Value ?? "");
        }

        if (context.Request.Headers.Authorization.ToString() != "Bearer " + ApiKey)
        {
            var presented = context.Request.Headers.Authorization.ToString().Replace("Bearer ", "", StringComparison.Ordinal);
            var masked = presented.Length > 12 ? presented[..8] + new string('*', 8) + presented[^4..] : "";
            await Error(context, 401, $"Invalid API Key provided: {masked}", code: null, param: null);
            return;
        }

        if (Interlocked.Decrement(ref _rateLimited) >= 0)
        {
            context.Response.Headers["Stripe-Should-Retry"] = "true";
            await Error(context, 429, "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.", "rate_limit", null);
            return;
        }

        var limit = 10;
        if (query.TryGetValue("limit", out var limitText) && (!int.TryParse(limitText, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 100))
        {
            await Error(context, 400, "This value must be greater than or equal to 1 and less than or equal to 100.", "parameter_invalid_integer", "limit");
            return;
        }

        var types = query.Where(p => p.Key == "types[]" || (p.Key.StartsWith("types[", StringComparison.Ordinal) && p.Key.EndsWith(']')))
            .SelectMany(p => (IEnumerable<string>)p.Value!).ToHashSet(StringComparer.Ordinal);
        if (types.Count > 20 || (types.Count > 0 && query.ContainsKey("type")))
        {
            await Error(context, 400, "You may pass up to 20 types, and either type or types, not both.", "parameter_invalid_array", "types");
            return;
        }

        if (query.TryGetValue("type", out var type))
        {
            types.Add(type.ToString());
        }

        List<Listed> matching;
        lock (_events)
        {
            matching = [.. _events
                .Where(e => types.Count == 0 || types.Contains(e.Type))
                .Where(e => _listedWhateverTheFilter.Contains(e.Id) || InCreated(e.Created, query))
                .OrderByDescending(e => e.Created).ThenByDescending(e => e.Sequence)];
        }

        List<Listed> page;
        bool hasMore;
        if (query.TryGetValue("starting_after", out var after))
        {
            var index = matching.FindIndex(e => e.Id == after);
            if (index < 0)
            {
                await Error(context, 400, $"No such event: '{after}'", "resource_missing", "starting_after");
                return;
            }

            page = [.. matching.Skip(index + 1).Take(limit)];
            hasMore = matching.Count > index + 1 + limit;
        }
        else if (query.TryGetValue("ending_before", out var before))
        {
            var index = matching.FindIndex(e => e.Id == before);
            if (index < 0)
            {
                await Error(context, 400, $"No such event: '{before}'", "resource_missing", "ending_before");
                return;
            }

            // The closest newer events, still newest first.
            var start = Math.Max(0, index - limit);
            page = [.. matching.Skip(start).Take(index - start)];
            hasMore = start > 0;
        }
        else
        {
            page = [.. matching.Take(limit)];
            hasMore = matching.Count > limit;
        }

        var body = new StringBuilder("{\"object\":\"list\",\"url\":\"/v1/events\",\"has_more\":").Append(hasMore ? "true" : "false").Append(",\"data\":[");
        body.AppendJoin(',', page.Select(e => e.Json)).Append("]}");
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToString());
    }

    private static bool InCreated(long created, IQueryCollection query)
    {
        static bool Has(IQueryCollection q, string key, out long value)
        {
            value = 0;
            return q.TryGetValue(key, out StringValues text) && long.TryParse(text, CultureInfo.InvariantCulture, out value);
        }

        return (!Has(query, "created", out var exact) || created == exact)
            && (!Has(query, "created[gt]", out var gt) || created > gt)
            && (!Has(query, "created[gte]", out var gte) || created >= gte)
            && (!Has(query, "created[lt]", out var lt) || created < lt)
            && (!Has(query, "created[lte]", out var lte) || created <= lte);
    }

    private static async Task Error(HttpContext context, int status, string message, string? code, string? param)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var error = new JsonObject { ["message"] = message, ["type"] = "invalid_request_error" };
        if (code is not null)
        {
            error["code"] = code;
        }

        if (param is not null)
        {
            error["param"] = param;
        }

        await context.Response.WriteAsync(new JsonObject { ["error"] = error }.ToJsonString());
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private sealed record Listed(string Id, string Type, long Created, string Json, int Sequence);
}
