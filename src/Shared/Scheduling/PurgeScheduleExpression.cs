using NCrontab;

namespace StripeWebhooks.Scheduling;

/// <summary>
/// <c>PurgeSchedule</c> read the way the Functions host's timer trigger reads <c>%PurgeSchedule%</c>: NCrontab with
/// six fields, seconds first, evaluated in UTC. <c>webhooks serve</c> uses it so both hosts purge at the same times.
/// </summary>
internal static class PurgeScheduleExpression
{
    // Past this, a schedule counts as having no future run (e.g. 30 February). A leap day recurs within 8 years.
    private static readonly TimeSpan Horizon = TimeSpan.FromDays(366 * 8 + 1);

    private static readonly CrontabSchedule.ParseOptions SixFields = new() { IncludingSeconds = true };

    /// <summary>Parses <paramref name="expression"/>; null when it is not a six-field NCRONTAB expression.</summary>
    public static CrontabSchedule? TryParse(string expression) => CrontabSchedule.TryParse(expression, SixFields);

    /// <summary>The first run strictly after <paramref name="after"/> (UTC), or null when the schedule never runs again.</summary>
    public static DateTimeOffset? NextRunAfter(CrontabSchedule schedule, DateTimeOffset after)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var start = after.UtcDateTime;
        var end = start + Horizon;
        var next = schedule.GetNextOccurrence(start, end);
        return next >= end ? null : new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc));
    }
}
