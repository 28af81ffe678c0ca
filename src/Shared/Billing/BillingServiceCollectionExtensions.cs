using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StripeWebhooks.Billing;
using StripeWebhooks.Processing;

// Next to AddStripeWebhooks (which calls it), so hosts need no extra using.
namespace StripeWebhooks;

/// <summary>Registers the built-in entitlement handlers (docs/entitlements.md).</summary>
internal static class BillingServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="BillingOptions"/> (validated at start-up: at least one <c>Billing__Prices__*</c>), the
    /// checkout, subscription and invoice handlers, and the start-up write of <c>Billing__DefaultTier</c>.
    /// Called by <see cref="ServiceCollectionExtensions.AddStripeWebhooks"/>; idempotent.
    /// </summary>
    public static IServiceCollection AddStripeBilling(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BillingOptions>().Bind(configuration.GetSection(BillingOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BillingOptions>, BillingOptionsValidator>());
        services.TryAddSingleton<PriceTiers>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStripeEventHandler, CheckoutSessionCompletedHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStripeEventHandler, SubscriptionChangedHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStripeEventHandler, InvoicePaymentHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, BillingSettingsPublisher>());
        return services;
    }
}
