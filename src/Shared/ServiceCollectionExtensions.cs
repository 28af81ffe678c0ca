using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using StripeWebhooks.Configuration;
using StripeWebhooks.Http;
using StripeWebhooks.Observability;
using StripeWebhooks.Operations;
using StripeWebhooks.Persistence;
using StripeWebhooks.Processing;
using StripeWebhooks.Reconciliation;
using StripeWebhooks.Scheduling;
using StripeWebhooks.Signatures;

namespace StripeWebhooks;

/// <summary>The one registration both hosts (function app and <c>webhooks serve</c>) call.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers the pipeline: options (validated at start-up), the data source, verifier, processor,
    /// endpoints and retention purger. Add handlers with <see cref="AddStripeEventHandler{THandler}"/>.
    /// </summary>
    public static IServiceCollection AddStripeWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StripeOptions>().Bind(configuration.GetSection(StripeOptions.SectionName)).ValidateOnStart();
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.SectionName)).ValidateOnStart();
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
            .Configure(o => o.ConnectionString = configuration.GetConnectionString("Webhooks"))
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
        return services;
    }

    /// <summary>Adds an application handler; it runs in the claim's transaction for the types it names.</summary>
    public static IServiceCollection AddStripeEventHandler<THandler>(this IServiceCollection services)
        where THandler : class, IStripeEventHandler
    {
        services.AddSingleton<IStripeEventHandler, THandler>();
        return services;
    }
}
