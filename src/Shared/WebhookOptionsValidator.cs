using Microsoft.Extensions.Options;
using StripeWebhooks.Configuration;

namespace StripeWebhooks;

/// <summary>Validates <see cref="WebhookOptions"/>; every message names the environment variable to fix.</summary>
internal sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        var errors = new OptionErrors();
        errors.AtLeast("Webhooks__RetentionDays", options.RetentionDays, WebhookOptions.MinimumRetentionDays, "Stripe retries for 3 days");
        errors.Between("Webhooks__MaxBodyBytes", options.MaxBodyBytes, 1024, 64 * 1024 * 1024);
        errors.Between("Webhooks__LockTimeoutSeconds", options.LockTimeoutSeconds, 1, 300);
        errors.AtLeast("Webhooks__MaxAttempts", options.MaxAttempts, 1);
        errors.AtLeast("Webhooks__PurgeBatchSize", options.PurgeBatchSize, 1);
        if (options.OpportunisticPurgeBatchSize < 0)
        {
            errors.Add($"Webhooks__OpportunisticPurgeBatchSize must not be negative; got {options.OpportunisticPurgeBatchSize}.");
        }

        return errors.Result;
    }
}
