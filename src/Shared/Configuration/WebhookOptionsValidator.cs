using Microsoft.Extensions.Options;

namespace StripeWebhooks.Configuration;

/// <summary>Validates <see cref="WebhookOptions"/>; every message names the environment variable to fix.</summary>
public sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        var errors = new List<string>();
        if (options.RetentionDays < WebhookOptions.MinimumRetentionDays)
        {
            errors.Add($"Webhooks__RetentionDays must be at least {WebhookOptions.MinimumRetentionDays} (Stripe retries for 3 days); got {options.RetentionDays}.");
        }

        if (options.MaxBodyBytes is < 1024 or > 64 * 1024 * 1024)
        {
            errors.Add($"Webhooks__MaxBodyBytes must be between 1024 and 67108864; got {options.MaxBodyBytes}.");
        }

        if (options.LockTimeoutSeconds is < 1 or > 300)
        {
            errors.Add($"Webhooks__LockTimeoutSeconds must be between 1 and 300; got {options.LockTimeoutSeconds}.");
        }

        if (options.MaxAttempts < 1)
        {
            errors.Add($"Webhooks__MaxAttempts must be at least 1; got {options.MaxAttempts}.");
        }

        if (options.PurgeBatchSize < 1)
        {
            errors.Add($"Webhooks__PurgeBatchSize must be at least 1; got {options.PurgeBatchSize}.");
        }

        if (options.OpportunisticPurgeBatchSize < 0)
        {
            errors.Add($"Webhooks__OpportunisticPurgeBatchSize must not be negative; got {options.OpportunisticPurgeBatchSize}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
