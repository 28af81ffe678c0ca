using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace StripeWebhooks.Reconciliation;

/// <summary>Registers reconciliation from Stripe's Events API; <c>AddStripeWebhooks</c> calls it.</summary>
internal static class ReconcileServiceCollectionExtensions
{
    /// <summary>Options (validated at start-up, naming the key), the run store, the reconciler, its metrics and its start-up line.</summary>
    public static IServiceCollection AddStripeReconciliation(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StripeApiOptions>().Bind(configuration.GetSection(StripeApiOptions.SectionName)).ValidateOnStart();
        services.AddOptions<ReconcileOptions>()
            .Bind(configuration.GetSection(ReconcileOptions.SectionName))
            .Configure(o => o.Schedule = configuration[ReconcileOptions.ScheduleKey] is { Length: > 0 } s ? s : ReconcileOptions.DefaultSchedule)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StripeApiOptions>, StripeApiOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReconcileOptions>, ReconcileOptionsValidator>());
        services.TryAddSingleton<ReconcileRunStore>();
        services.TryAddSingleton<ReconcileMetrics>();
        services.TryAddSingleton<StripeEventReconciler>();
        // Runs only where a host starts hosted services (serve, the function app); the other commands build no host.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ReconcileStartupNotice>());
        return services;
    }
}
