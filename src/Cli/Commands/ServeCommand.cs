using System.CommandLine;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StripeWebhooks.Application;
using StripeWebhooks.Cli.Development;
using StripeWebhooks.Development;
using StripeWebhooks.Http;
using StripeWebhooks.Outbox;
using StripeWebhooks.Persistence;
using StripeWebhooks.Reconciliation;
using StripeWebhooks.Scheduling;

namespace StripeWebhooks.Cli.Commands;

/// <summary>
/// <c>webhooks serve</c>: the same endpoint as the function app, on Kestrel, with the retention purge on
/// <c>PurgeSchedule</c>. Without a connection string it runs on a private, throw-away Postgres.
/// </summary>
internal static class ServeCommand
{
    public const string DefaultUrls = "http://127.0.0.1:7071";

    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "Where to listen.", DefaultValueFactory = _ => DefaultUrls }.ListenUrls();
        var dataDir = new Option<string?>("--data-dir")
        {
            Description = "Keep the private Postgres's data here (the same database and port on the next run) instead of a temporary directory.",
        };
        var command = new Command("serve", "Serve POST /api/stripe/webhook and GET /api/health on Kestrel.") { urls, dataDir };
        command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult.GetValue(urls)!, parseResult.GetValue(dataDir), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string urls, string? dataDirectory, CancellationToken cancellationToken)
    {
        // Before a private Postgres is started for nothing (Kestrel's own bind failure is still caught below).
        if (ListenAddresses.FindBusy(urls) is { } busy)
        {
            throw new CliException($"{busy} is in use; pass --urls", ExitCodes.Failed);
        }

        var environment = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            // A throw-away database is a development one (unless ASPNETCORE_ENVIRONMENT / DOTNET_ENVIRONMENT say otherwise).
            EnvironmentName = string.IsNullOrEmpty(environment.GetConnectionString("Webhooks"))
                              && string.IsNullOrEmpty(environment["ASPNETCORE_ENVIRONMENT"]) && string.IsNullOrEmpty(environment["DOTNET_ENVIRONMENT"])
                ? Environments.Development
                : null,
        });
        builder.WebHost.UseUrls(urls);
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).AddFilter("Npgsql", LogLevel.Warning).AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        LocalPostgresServer? privatePostgres = null;
        var settings = new Dictionary<string, string?>();
        if (string.IsNullOrEmpty(builder.Configuration.GetConnectionString("Webhooks")))
        {
            var creating = dataDirectory is null || !File.Exists(Path.Combine(dataDirectory, "PG_VERSION"));
            Console.WriteLine(creating
                ? "ConnectionStrings__Webhooks is not set: creating a private Postgres (initdb and start, a few seconds) ..."
                : $"ConnectionStrings__Webhooks is not set: starting the private Postgres in {Path.GetFullPath(dataDirectory!)} ...");
            privatePostgres = await StartPrivatePostgresAsync(dataDirectory, cancellationToken);
            settings["ConnectionStrings:Webhooks"] = privatePostgres.ConnectionString;
        }

        string? developmentSecret = null;
        if (string.IsNullOrEmpty(builder.Configuration["Stripe:WebhookSecrets:0"]))
        {
            developmentSecret = DevelopmentSecret(privatePostgres is not null ? dataDirectory : null);
            settings["Stripe:WebhookSecrets:0"] = developmentSecret;
        }

        // Billing refuses to start without a price map; SampleEvents (and so `send`) bill the sample price.
        var developmentPrices = !builder.Configuration.GetSection("Billing:Prices").GetChildren().Any();
        if (developmentPrices)
        {
            settings[$"Billing:Prices:{SampleEvents.SamplePriceId}"] = SampleEvents.SampleTier;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddStripeWebhooks(builder.Configuration);
        builder.Services.AddHostedService<ScheduledPurgeService>();
        builder.Services.AddHostedService<ScheduledReconcileService>();
        builder.Services.AddOtlpExportWhenConfigured(builder.Configuration);
        // Outbox messages: from the queue when AzureWebJobsStorage names one (as ProcessOutboxMessage does on Azure),
        // otherwise consumed in-process straight from the table.
        builder.Services.AddOutboxQueueListener(builder.Configuration);
        var mailbox = builder.Configuration[WelcomeEmail.MailboxSetting];

        string? record = null;
        try
        {
            await using var app = builder.Build();
            app.MapStripeWebhooks();
            // Validate configuration before touching the database, so a bad setting is reported as such.
            app.Services.GetRequiredService<IStartupValidator>().Validate();
            Console.WriteLine("applying migrations ...");
            var applied = await app.Services.GetRequiredService<MigrationRunner>().MigrateAsync(cancellationToken);
            await ListenAddresses.StartAsync(app, urls, cancellationToken);

            var url = urls.Split(';')[0].TrimEnd('/');
            var webhookUrl = $"{url}/{WebhookRoutes.Prefix}/{WebhookRoutes.StripeWebhook}";
            if (privatePostgres is not null)
            {
                record = ServeRegistry.Register(new ServeRecord(Environment.ProcessId, DateTimeOffset.UtcNow, privatePostgres.ConnectionString,
                    privatePostgres.DataDirectory, webhookUrl, developmentPrices));
            }

            Console.WriteLine($"webhook endpoint: {webhookUrl}");
            Console.WriteLine($"health:           {url}/{WebhookRoutes.Prefix}/{WebhookRoutes.Health}");
            Console.WriteLine($"outbox:           {(string.IsNullOrEmpty(builder.Configuration["AzureWebJobsStorage"]) && string.IsNullOrEmpty(builder.Configuration["AzureWebJobsStorage:queueServiceUri"])
                ? "consumed in-process (set AzureWebJobsStorage for the queue)"
                : $"queue {app.Services.GetRequiredService<IOptions<OutboxOptions>>().Value.QueueName}")}{(string.IsNullOrEmpty(mailbox) ? "" : $", welcome e-mails to {mailbox}")}");
            var reconcile = app.Services.GetRequiredService<IOptions<ReconcileOptions>>().Value;
            Console.WriteLine(app.Services.GetRequiredService<StripeEventReconciler>().Enabled
                ? $"reconcile:        from Stripe's Events API on ReconcileSchedule {reconcile.Schedule} (webhooks reconcile runs it now)"
                : $"reconcile:        off (Stripe__ApiKey not set)");
            Console.WriteLine($"migrations:       {(applied.Count == 0 ? "up to date" : string.Join(", ", applied.Select(m => m.Name)))}");
            if (privatePostgres is not null)
            {
                Console.WriteLine($"private postgres: {privatePostgres.ConnectionString}{(dataDirectory is null ? " (removed on exit)" : $" (kept in {privatePostgres.DataDirectory})")}");
                Console.WriteLine($"psql:             psql postgresql://postgres@127.0.0.1:{privatePostgres.Port}/webhooks");
                Console.WriteLine("other commands:   webhooks stats, failures, entitlements, replay, purge, reconcile and migrate find this database while serve runs");
            }

            if (developmentSecret is not null)
            {
                // A freshly generated development secret is not a secret worth hiding; a configured one is never printed.
                Console.WriteLine($"signing secret:   {developmentSecret}");
                Console.WriteLine($"try:              webhooks send --secret {developmentSecret} --url {webhookUrl}");
            }

            if (developmentPrices)
            {
                Console.WriteLine($"price map:        Billing__Prices__{SampleEvents.SamplePriceId}={SampleEvents.SampleTier} (development; set Billing__Prices__<price id> for yours)");
            }

            Console.WriteLine(privatePostgres is null
                ? "ready:            Ctrl-C (or SIGTERM) stops serve"
                : "ready:            Ctrl-C (or SIGTERM) stops serve and the private Postgres");
            Console.Out.Flush();
            await app.WaitForShutdownAsync(cancellationToken);
            return 0;
        }
        finally
        {
            if (record is not null)
            {
                ServeRegistry.Unregister(record);
            }

            if (privatePostgres is not null)
            {
                await privatePostgres.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// A new development secret, or with <c>--data-dir</c> the one kept next to its database, so a restarted serve
    /// verifies what a copied <c>send --secret</c> signs, as it keeps the database and port.
    /// </summary>
    private static string DevelopmentSecret(string? dataDirectory)
    {
        var file = dataDirectory is null ? null : Path.Combine(dataDirectory, "webhooks-development-secret");
        if (file is not null && File.Exists(file) && File.ReadAllText(file).Trim() is { Length: > 0 } kept && kept.StartsWith("whsec_dev_", StringComparison.Ordinal))
        {
            return kept;
        }

        var secret = "whsec_dev_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        if (file is not null)
        {
            File.WriteAllText(file, secret + "\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        return secret;
    }

    /// <summary>Starts the private Postgres; a failing initdb or pg_ctl (their output included) is one error, not a bug.</summary>
    private static async Task<LocalPostgresServer> StartPrivatePostgresAsync(string? dataDirectory, CancellationToken cancellationToken)
    {
        try
        {
            return await LocalPostgresServer.StartAsync(dataDirectory, durable: dataDirectory is not null, cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            throw new CliException($"the private Postgres did not start: {ex.Message.ReplaceLineEndings(" ").Trim()}", ExitCodes.Failed, ex);
        }
    }
}
