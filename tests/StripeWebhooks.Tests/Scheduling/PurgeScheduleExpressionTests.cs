using System.Globalization;
using StripeWebhooks.Scheduling;

namespace StripeWebhooks.Tests.Scheduling;

/// <summary>PurgeSchedule through NCrontab, six fields, UTC: the timer trigger's reading, which serve follows.</summary>
public class PurgeScheduleExpressionTests
{
    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);

    private static DateTimeOffset? NextRun(string expression, string after) =>
        PurgeScheduleExpression.NextRunAfter(PurgeScheduleExpression.TryParse(expression)!, Utc(after));

    [Fact]
    public void Default_schedule_runs_daily_at_03_17_utc()
    {
        Assert.Equal(Utc("2026-11-22T03:17:00Z"), NextRun(PurgeScheduleOptions.DefaultSchedule, "2026-11-22T01:00:00Z"));
        Assert.Equal(Utc("2026-11-23T03:17:00Z"), NextRun(PurgeScheduleOptions.DefaultSchedule, "2026-11-22T03:17:00Z"));
    }

    [Theory]
    [InlineData("*/15 * * * * *", "2026-01-01T00:00:07Z", "2026-01-01T00:00:15Z")]
    [InlineData("0 30 9 * * MON-FRI", "2026-11-21T10:00:00Z", "2026-11-23T09:30:00Z")]
    [InlineData("0 0 0 1 JAN *", "2026-06-01T00:00:00Z", "2027-01-01T00:00:00Z")]
    [InlineData("0 0 12 29 2 *", "2026-03-01T00:00:00Z", "2028-02-29T12:00:00Z")]
    public void Next_run_follows_ncrontab_with_seconds_first(string expression, string after, string expected) =>
        Assert.Equal(Utc(expected), NextRun(expression, after));

    [Fact]
    public void A_schedule_that_never_runs_again_has_no_next_run() =>
        Assert.Null(NextRun("0 0 0 30 2 *", "2026-01-01T00:00:00Z"));

    [Theory]
    [InlineData("0 3 * * *")]
    [InlineData("60 * * * * *")]
    [InlineData("* * 24 * * *")]
    [InlineData("* * * * 13 *")]
    [InlineData("a b c d e f")]
    public void Expressions_the_timer_trigger_would_refuse_are_refused(string expression) =>
        Assert.Null(PurgeScheduleExpression.TryParse(expression));
}
