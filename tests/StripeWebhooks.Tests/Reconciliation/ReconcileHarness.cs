using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StripeWebhooks.Development;
using StripeWebhooks.Events;
using StripeWebhooks.Processing;
using StripeWebhooks.Reconciliation;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Reconciliation;

/// <summary>
/// A fresh database, the local Events API, and the pipeline pointed at it, with a <see cref="RecordingHandler"/> on the
/// billing types so every applied event leaves one countable side effect.
/// </summary>
internal sealed class ReconcileHarness : IAsyncDisposable
{
    private ReconcileHarness(StripeEventsApiServer api, string connectionString, ServiceProvider services, RecordingHandler recorder)
    {
        Api = api;
        ConnectionString = connectionString;
        Services = services;
        Recorder = recorder;
        Database = NpgsqlDataSource.Create(connectionString);
    }

    public StripeEventsApiServer Api { get; }

    public string ConnectionString { get; }

    public ServiceProvider Services { get; }

    public RecordingHandler Recorder { get; }

    /// <summary>For assertions, apart from the pipeline's own data source.</summary>
    public NpgsqlDataSource Database { get; }

    public StripeEventReconciler Reconciler => Services.GetRequiredService<StripeEventReconciler>();

    public static async Task<ReconcileHarness> StartAsync(IDictionary<string, string?>? settings = null, string? apiKey = StripeEventsApiServer.ApiKey,
        StripeEventsApiServer? api = null, RecordingHandler? recorder = null, params string[] extraTypes)
    {
        api ??= await StripeEventsApiServer.StartAsync();
        var connectionString = await TestDatabase.CreateAsync();
        await RecordingHandler.CreateTableAsync(connectionString);
        var values = api.Settings(apiKey);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        recorder ??= new RecordingHandler([.. SampleEvents.Types, .. extraTypes]);
        var services = PipelineServices.Create(connectionString, values, s => s.AddSingleton<IStripeEventHandler>(recorder));
        return new ReconcileHarness(api, connectionString, services, recorder);
    }

    /// <summary>Applies <paramref name="stripeEvent"/> as a delivery does once its signature is verified: our parser, then the processor.</summary>
    public Task<ProcessingResult> DeliverAsync(JsonObject stripeEvent, CancellationToken cancellationToken = default) =>
        Deliver(Services, stripeEvent, cancellationToken);

    public static Task<ProcessingResult> Deliver(IServiceProvider services, JsonObject stripeEvent, CancellationToken cancellationToken = default)
    {
        Assert.True(StripeEventParser.TryParse(SampleEvents.ToBytes(stripeEvent), out var parsed, out var error), error);
        return services.GetRequiredService<StripeEventProcessor>().ProcessAsync(parsed, cancellationToken);
    }

    public async Task<long> CountAsync(string sql)
    {
        await using var command = Database.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Side effects per event id, from <c>test_side_effects</c>.</summary>
    public async Task<Dictionary<string, long>> SideEffectsAsync()
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var command = Database.CreateCommand("SELECT event_id, count(*) FROM test_side_effects GROUP BY event_id");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    /// <summary>Records a successful run whose window ended at <paramref name="windowTo"/>: the cursor the next run starts from.</summary>
    public async Task SeedSuccessfulRunAsync(DateTimeOffset windowTo)
    {
        await using var command = Database.CreateCommand("""
            INSERT INTO stripe_reconcile_runs (started_at, finished_at, window_from, window_to, succeeded)
            VALUES ($1, $1, $1 - interval '1 hour', $1, true)
            """);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = windowTo });
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The entitlements view, one line per user, for comparing two databases.</summary>
    public async Task<string> EntitlementsAsync()
    {
        await using var command = Database.CreateCommand(
            "SELECT string_agg(concat_ws('|', user_id, tier, status, current_period_end, cancel_at_period_end, stripe_subscription_id), E'\\n' ORDER BY user_id) FROM entitlements");
        return (string?)await command.ExecuteScalarAsync() ?? "";
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Database.DisposeAsync();
        await Api.DisposeAsync();
    }
}
