using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using StripeWebhooks.Development;
using StripeWebhooks.Http;
using StripeWebhooks.Processing;

namespace StripeWebhooks.Tests.Support;

/// <summary>The real pipeline on Kestrel, on a loopback port, over a fresh database: what `webhooks serve` runs.</summary>
public sealed class WebhookTestServer : IAsyncDisposable
{
    public const string Secret = "whsec_test_4eC39HqLyjWDarjtT1zdp7dc";

    private readonly WebApplication _app;

    private WebhookTestServer(WebApplication app, string connectionString, ManualClock clock, Uri baseAddress)
    {
        _app = app;
        ConnectionString = connectionString;
        Clock = clock;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        DataSource = NpgsqlDataSource.Create(connectionString);
    }

    public HttpClient Client { get; }

    public string ConnectionString { get; }

    public ManualClock Clock { get; }

    /// <summary>For assertions: a data source of the server's database, separate from the app's.</summary>
    public NpgsqlDataSource DataSource { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<WebhookTestServer> StartAsync(
        Action<IServiceCollection>? configureServices = null,
        IDictionary<string, string?>? settings = null,
        string? connectionString = null)
    {
        connectionString ??= await TestDatabase.CreateAsync();
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        if (Environment.GetEnvironmentVariable("WEBHOOKS_TEST_LOGS") == "1")
        {
            // Debugging aid: the server's logs on the test's console.
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Debug);
        }
        var configuration = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Webhooks"] = connectionString,
            ["Stripe:WebhookSecrets:0"] = Secret,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key.Replace("__", ":", StringComparison.Ordinal)] = value;
        }

        TestPrices.AddUnlessConfigured(configuration);

        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddStripeWebhooks(builder.Configuration);
        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapStripeWebhooks();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new WebhookTestServer(app, connectionString, clock, new Uri(address));
    }

    /// <summary>
    /// Starts the server over a fresh database that also has <see cref="RecordingHandler"/>'s table, with
    /// <paramref name="handlers"/> registered after the built-in handlers, in the order given.
    /// </summary>
    /// <remarks>Handlers run in registration order, and some tests depend on it.</remarks>
    public static async Task<WebhookTestServer> StartWithHandlersAsync(IDictionary<string, string?>? settings, params IStripeEventHandler[] handlers)
    {
        var connectionString = await TestDatabase.CreateAsync();
        await RecordingHandler.CreateTableAsync(connectionString);
        return await StartAsync(services =>
        {
            foreach (var handler in handlers)
            {
                services.AddSingleton(handler);
            }
        }, settings, connectionString);
    }

    /// <summary>POSTs <paramref name="body"/> signed with <see cref="Secret"/> at the server's clock.</summary>
    public Task<HttpResponseMessage> PostSignedAsync(byte[] body, CancellationToken cancellationToken = default) =>
        PostAsync(body, StripeSigner.Header(Clock.Now.ToUnixTimeSeconds(), body, Secret), cancellationToken);

    /// <summary>POSTs an event built with <see cref="SampleEvents"/>, signed.</summary>
    public Task<HttpResponseMessage> PostSignedAsync(JsonNode stripeEvent, CancellationToken cancellationToken = default) =>
        PostSignedAsync(SampleEvents.ToBytes(stripeEvent), cancellationToken);

    /// <summary>POSTs <paramref name="body"/> with exactly this <c>Stripe-Signature</c> header (none when null).</summary>
    public async Task<HttpResponseMessage> PostAsync(byte[] body, string? signatureHeader, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/{WebhookRoutes.Prefix}/{WebhookRoutes.StripeWebhook}")
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (signatureHeader is not null)
        {
            request.Headers.TryAddWithoutValidation(StripeWebhookEndpoint.SignatureHeader, signatureHeader);
        }

        return await Client.SendAsync(request, cancellationToken);
    }

    /// <summary>
    /// POSTs <paramref name="body"/>, signed, <paramref name="times"/> times at once; returns every status and how many
    /// 200 responses said <c>"duplicate":true</c>.
    /// </summary>
    /// <remarks>
    /// Every request is started before any is awaited, so they race for the claim. Only a 200 carries the flag, so
    /// other responses are not read: the caller's assertion on the statuses reports them.
    /// </remarks>
    public async Task<(IReadOnlyList<HttpStatusCode> Statuses, int Duplicates)> PostConcurrentlyAsync(
        byte[] body, int times, CancellationToken cancellationToken = default)
    {
        var posts = Enumerable.Range(0, times).Select(_ => PostSignedAsync(body, cancellationToken)).ToArray();
        try
        {
            var responses = await Task.WhenAll(posts);
            var duplicates = 0;
            foreach (var response in responses)
            {
                if (response.StatusCode == HttpStatusCode.OK && (await JsonBody.ReadAsync(response)).GetProperty("duplicate").GetBoolean())
                {
                    duplicates++;
                }
            }

            return (responses.Select(r => r.StatusCode).ToList(), duplicates);
        }
        finally
        {
            foreach (var post in posts.Where(p => p.IsCompletedSuccessfully))
            {
                post.Result.Dispose();
            }
        }
    }

    /// <summary>Runs a scalar query against the server's database.</summary>
    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Rows in every table of the schema except configuration bookkeeping (claims, failures, entitlements, ...).</summary>
    public async Task<long> CountAllRowsAsync()
    {
        var tables = new List<string>();
        await using (var list = DataSource.CreateCommand("""
            SELECT quote_ident(table_name) FROM information_schema.tables
            WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT IN ('schema_migrations', 'billing_settings')
            """))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        long total = 0;
        foreach (var table in tables)
        {
            total += await ScalarAsync<long>($"SELECT count(*) FROM {table}");
        }

        return total;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await DataSource.DisposeAsync();
    }
}
