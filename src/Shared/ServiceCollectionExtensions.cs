using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using StripeWebhooks.Application;
using StripeWebhooks.Http;
using StripeWebhooks.Observability;
using StripeWebhooks.Operations;
using StripeWebhooks.Persistence;
using StripeWebhooks.Processing;
using StripeWebhooks.Reconciliation;
using StripeWebhooks.Scheduling;
using StripeWebhooks.Signatures;

namespace StripeWebhooks;

/// <summary>The one registration every host (the function app, <c>webhooks serve</c> and every other command) calls.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers the pipeline: options (validated at start-up), the data source, verifier, processor,
    /// endpoints and retention purger, then the application's handlers (<see cref="ApplicationHandlers"/>).
    /// </summary>
    public static IServiceCollection AddStripeWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StripeOptions>().Bind(configuration.GetSection(StripeOptions.SectionName)).ValidateOnStart();
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.SectionName)).ValidateOnStart();
        services.AddOptions<LivemodeOptions>().Bind(configuration.GetSection(StripeOptions.SectionName))
            .Validate(o => o.IsValid, LivemodeOptions.InvalidMessage)
            .ValidateOnStart();
        services.AddOptions<PostgresOptions>().Bind(configuration.GetSection(PostgresOptions.SectionName));
        services.AddOptions<PurgeScheduleOptions>()
            .Configure(o => o.Schedule = configuration[PurgeScheduleOptions.Key] is { Length: > 0 } s ? s : PurgeScheduleOptions.DefaultSchedule)
            .Validate(o => PurgeScheduleExpression.TryParse(o.Schedule) is not null, $"{PurgeScheduleOptions.Key} is not a 6-field NCRONTAB expression (e.g. '{PurgeScheduleOptions.DefaultSchedule}').")
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StripeOptions>, StripeOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<WebhookMetrics>();
        services.AddOptions<WebhookDatabaseOptions>()
            .Configure(o => o.ConnectionString = ConnectionString(configuration))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookDatabaseOptions>, WebhookDatabaseOptionsValidator>());
        // Reading the options validates them (again, where the host did not start): the one check, whoever asks first.
        services.TryAddSingleton(provider => WebhookDataSourceFactory.Create(
            provider.GetRequiredService<IOptions<WebhookDatabaseOptions>>().Value.ConnectionString!,
            provider.GetService<ILoggerFactory>(),
            provider.GetRequiredService<IOptions<PostgresOptions>>().Value));

        services.TryAddSingleton<StripeSignatureVerifier>();
        services.TryAddSingleton<EventClaimStore>();
        services.TryAddSingleton<StripeEventHandlerRegistry>();
        services.TryAddSingleton<LivemodeFilter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, LivemodeStartupNotice>());
        services.TryAddSingleton<StripeEventProcessor>();
        services.TryAddSingleton<StripeWebhookEndpoint>();
        services.TryAddSingleton<HealthEndpoint>();
        services.TryAddSingleton<RetentionPurger>();
        services.TryAddSingleton<MigrationRunner>();
        services.TryAddSingleton<EventReplayer>();
        services.TryAddSingleton<FailureLedgerQueries>();
        services.TryAddSingleton<WebhookStatisticsQuery>();
        services.TryAddSingleton<EntitlementQueries>();
        services.AddStripeBilling(configuration);
        services.AddStripeOutbox(configuration);
        services.AddStripeReconciliation(configuration);
        // After the built-in handlers, so the application's run after them, in every host alike.
        services.AddApplicationHandlers(configuration);
        return services;
    }

    // A postgresql:// URI becomes an Npgsql connection string; one that cannot be read is left for the validator to refuse.
    private static string? ConnectionString(IConfiguration configuration)
    {
        var value = configuration.GetConnectionString("Webhooks");
        try
        {
            return PostgresConnectionUri.ToConnectionString(value);
        }
        catch (ArgumentException)
        {
            return value;
        }
    }

    /// <summary>Adds an application handler; it runs in the claim's transaction for the types it names.</summary>
    public static IServiceCollection AddStripeEventHandler<THandler>(this IServiceCollection services)
        where THandler : class, IStripeEventHandler
    {
        services.AddSingleton<IStripeEventHandler, THandler>();
        return services;
    }
}
