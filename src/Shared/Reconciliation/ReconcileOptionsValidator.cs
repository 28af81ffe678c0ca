using Microsoft.Extensions.Options;
using StripeWebhooks.Configuration;
using StripeWebhooks.Scheduling;

namespace StripeWebhooks.Reconciliation;

/// <summary>Refuses a schedule that is not six-field NCRONTAB, and an overlap or page size out of range.</summary>
internal sealed class ReconcileOptionsValidator : IValidateOptions<ReconcileOptions>
{
    public ValidateOptionsResult Validate(string? name, ReconcileOptions options)
    {
        var errors = new OptionErrors();
        if (PurgeScheduleExpression.TryParse(options.Schedule) is null)
        {
            errors.Add($"{ReconcileOptions.ScheduleKey} is not a 6-field NCRONTAB expression (e.g. '{ReconcileOptions.DefaultSchedule}').");
        }

        errors.Between("Reconcile__OverlapMinutes", options.OverlapMinutes, 0, 1440);
        errors.Between("Reconcile__PageSize", options.PageSize, 1, 100, "Stripe's limit");
        return errors.Result;
    }
}
