using Microsoft.Extensions.Options;
using StripeWebhooks.Scheduling;

namespace StripeWebhooks.Reconciliation;

/// <summary>Refuses a schedule that is not six-field NCRONTAB, and an overlap or page size out of range.</summary>
public sealed class ReconcileOptionsValidator : IValidateOptions<ReconcileOptions>
{
    public ValidateOptionsResult Validate(string? name, ReconcileOptions options)
    {
        var errors = new List<string>();
        if (PurgeScheduleExpression.TryParse(options.Schedule) is null)
        {
            errors.Add($"{ReconcileOptions.ScheduleKey} is not a 6-field NCRONTAB expression (e.g. '{ReconcileOptions.DefaultSchedule}').");
        }

        if (options.OverlapMinutes is < 0 or > 1440)
        {
            errors.Add($"Reconcile__OverlapMinutes must be between 0 and 1440; got {options.OverlapMinutes}.");
        }

        if (options.PageSize is < 1 or > 100)
        {
            errors.Add($"Reconcile__PageSize must be between 1 and 100 (Stripe's limit); got {options.PageSize}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
