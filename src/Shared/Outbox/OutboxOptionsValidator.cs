using Microsoft.Extensions.Options;
using StripeWebhooks.Configuration;

namespace StripeWebhooks.Outbox;

/// <summary>Refuses outbox settings that cannot work, naming the key.</summary>
internal sealed class OutboxOptionsValidator : IValidateOptions<OutboxOptions>
{
    public ValidateOptionsResult Validate(string? name, OutboxOptions options)
    {
        var errors = new OptionErrors();
        // Azure's queue naming rules: 3-63 lower-case letters, digits and single hyphens, starting with a letter or digit.
        if (!System.Text.RegularExpressions.Regex.IsMatch(options.QueueName ?? "", "^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$"))
        {
            errors.Add($"Outbox__QueueName must be a valid Azure Storage queue name (3-63 lower-case letters, digits and single hyphens); got '{options.QueueName}'.");
        }

        errors.Between("Outbox__SweepDelaySeconds", options.SweepDelaySeconds, 1, 3600);
        errors.Between("Outbox__MaxDequeueCount", options.MaxDequeueCount, 1, 100);
        errors.Between("Outbox__RetryDelaySeconds", options.RetryDelaySeconds, 0, 3600);
        // At most 7 days: an Azure Storage queue message expires after 7 days by default.
        errors.Between("Outbox__RedispatchAfterMinutes", options.RedispatchAfterMinutes, 1, 10080, "7 days");
        errors.Between("Outbox__DispatchBatchSize", options.DispatchBatchSize, 1, 1000);
        errors.Between("Outbox__DispatchIntervalMilliseconds", options.DispatchIntervalMilliseconds, 0, 10000);
        return errors.Result;
    }
}
