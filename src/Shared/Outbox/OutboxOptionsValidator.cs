using Microsoft.Extensions.Options;

namespace StripeWebhooks.Outbox;

/// <summary>Refuses outbox settings that cannot work, naming the key.</summary>
internal sealed class OutboxOptionsValidator : IValidateOptions<OutboxOptions>
{
    public ValidateOptionsResult Validate(string? name, OutboxOptions options)
    {
        var failures = new List<string>();
        // Azure's queue naming rules: 3-63 lower-case letters, digits and single hyphens, starting with a letter or digit.
        if (!System.Text.RegularExpressions.Regex.IsMatch(options.QueueName ?? "", "^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$"))
        {
            failures.Add($"Outbox__QueueName must be a valid Azure Storage queue name (3-63 lower-case letters, digits and single hyphens); got '{options.QueueName}'.");
        }

        if (options.SweepDelaySeconds is < 1 or > 3600)
        {
            failures.Add($"Outbox__SweepDelaySeconds must be between 1 and 3600; got {options.SweepDelaySeconds}.");
        }

        if (options.MaxDequeueCount is < 1 or > 100)
        {
            failures.Add($"Outbox__MaxDequeueCount must be between 1 and 100; got {options.MaxDequeueCount}.");
        }

        if (options.RetryDelaySeconds is < 0 or > 3600)
        {
            failures.Add($"Outbox__RetryDelaySeconds must be between 0 and 3600; got {options.RetryDelaySeconds}.");
        }

        // At most 7 days: an Azure Storage queue message expires after 7 days by default.
        if (options.RedispatchAfterMinutes is < 1 or > 10080)
        {
            failures.Add($"Outbox__RedispatchAfterMinutes must be between 1 and 10080 (7 days); got {options.RedispatchAfterMinutes}.");
        }

        if (options.DispatchBatchSize is < 1 or > 1000)
        {
            failures.Add($"Outbox__DispatchBatchSize must be between 1 and 1000; got {options.DispatchBatchSize}.");
        }

        if (options.DispatchIntervalMilliseconds is < 0 or > 10000)
        {
            failures.Add($"Outbox__DispatchIntervalMilliseconds must be between 0 and 10000; got {options.DispatchIntervalMilliseconds}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
