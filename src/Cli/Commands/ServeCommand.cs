using System.CommandLine;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StripeWebhooks.Development;
using StripeWebhooks.Http;
using StripeWebhooks.Persistence;
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
        var urls = new Option<string>("--urls") { Description = "Where to listen.", DefaultValueFactory = _ => DefaultUrls };
        var dataDir = new Option<string?>("--data-dir")
        {
            Description = "Keep the private Postgres's data here (re-used on the next run) instead of a temporary directory.",
        };
        var command = new Command("serve", "Serve POST /api/stripe/webhook and GET /api/health on Kestrel.") { urls, dataDir };
        command.SetAction((parseResult, cancellationToken) => CliConfiguration.RunAsync(
            () => RunAsync(parseResult.GetValue(urls)!, parseResult.GetValue(dataDir), cancellationToken)));
        return command;
    }

    private static async Task<int> RunAsync(string urls, string? dataDirectory, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(urls);
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).AddFilter("Npgsql", LogLevel.Warning).AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        LocalPostgresServer? privatePostgres = null;
        var settings = new Dictionary<string, string?>();
        if (string.IsNullOrEmpty(builder.Configuration.GetConnectionString("Webhooks")))
        {
            Console.WriteLine("ConnectionStrings__Webhooks is not set: starting a private Postgres ...");
            privatePostgres = await LocalPostgresServer.StartAsync(dataDirectory, durable: dataDirectory is not null, cancellationToken);
            settings["ConnectionStrings:Webhooks"] = privatePostgres.ConnectionString;
        }

        string? developmentSecret = null;
        if (string.IsNullOrEmpty(builder.Configuration["Stripe:WebhookSecrets:0"]))
        {
            developmentSecret = "whsec_dev_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
            settings["Stripe:WebhookSecrets:0"] = developmentSecret;
        }

        // Billing refuses to start without a price map; SampleEvents (and so `send`) bill price_sample_pro.
        var developmentPrices = !builder.Configuration.GetSection("Billing:Prices").GetChildren().Any();
        if (developmentPrices)
        {
            settings["Billing:Prices:price_sample_pro"] = "pro";
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddStripeWebhooks(builder.Configuration);
        builder.Services.AddHostedService<ScheduledPurgeService>();
        builder.Services.AddOtlpExportWhenConfigured(builder.Configuration);

        try
        {
            await using var app = builder.Build();
            app.MapStripeWebhooks();
            // Validate configuration before touching the database, so a bad setting is reported as such.
            app.Services.GetRequiredService<IStartupValidator>().Validate();
            var applied = await app.Services.GetRequiredService<MigrationRunner>().MigrateAsync(cancellationToken);
            await app.StartAsync(cancellationToken);

            var url = urls.Split(';')[0].TrimEnd('/');
            Console.WriteLine($"webhook endpoint: {url}/{WebhookRoutes.Prefix}/{WebhookRoutes.StripeWebhook}");
            Console.WriteLine($"health:           {url}/{WebhookRoutes.Prefix}/{WebhookRoutes.Health}");
            Console.WriteLine($"migrations:       {(applied.Count == 0 ? "up to date" : string.Join(", ", applied.Select(m => m.Name)))}");
            if (privatePostgres is not null)
            {
                Console.WriteLine($"private postgres: {privatePostgres.ConnectionString}{(dataDirectory is null ? " (removed on exit)" : $" (kept in {privatePostgres.DataDirectory})")}");
            }

            if (developmentSecret is not null)
            {
                // A freshly generated development secret is not a secret worth hiding; a configured one is never printed.
                Console.WriteLine($"signing secret:   {developmentSecret}");
                Console.WriteLine($"try:              dotnet run --project src/Cli -- send --secret {developmentSecret} --url {url}/{WebhookRoutes.Prefix}/{WebhookRoutes.StripeWebhook}");
            }

            if (developmentPrices)
            {
                Console.WriteLine("price map:        Billing__Prices__price_sample_pro=pro (development; set Billing__Prices__<price id> for yours)");
            }

            Console.WriteLine("ready:            Ctrl-C stops serve (and the private Postgres)");
            Console.Out.Flush();
            await app.WaitForShutdownAsync(cancellationToken);
            return 0;
        }
        finally
        {
            if (privatePostgres is not null)
            {
                await privatePostgres.DisposeAsync();
            }
        }
    }
}
