using StripeWebhooks.Scheduling;

namespace StripeWebhooks.Tests.Scheduling;

public class CrontabScheduleTests
{
    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi, int s) => new(y, mo, d, h, mi, s, TimeSpan.Zero);

    [Fact]
    public void Default_schedule_runs_daily_at_03_17_utc()
    {
        var schedule = CrontabSchedule.Parse("0 17 3 * * *");
        Assert.Equal(Utc(2026, 11, 22, 3, 17, 0), schedule.GetNextOccurrence(Utc(2026, 11, 22, 1, 0, 0)));
        Assert.Equal(Utc(2026, 11, 23, 3, 17, 0), schedule.GetNextOccurrence(Utc(2026, 11, 22, 3, 17, 0)));
    }

    [Theory]
    [InlineData("*/15 * * * * *", "2026-01-01T00:00:07Z", "2026-01-01T00:00:15Z")]
    [InlineData("0 */5 * * * *", "2026-01-01T00:03:00Z", "2026-01-01T00:05:00Z")]
    [InlineData("0 30 9 * * MON-FRI", "2026-11-21T10:00:00Z", "2026-11-23T09:30:00Z")]
    [InlineData("0 0 0 1 JAN *", "2026-06-01T00:00:00Z", "2027-01-01T00:00:00Z")]
    [InlineData("0 0 12 29 2 *", "2026-03-01T00:00:00Z", "2028-02-29T12:00:00Z")]
    [InlineData("0 0,30 8-9 * * *", "2026-01-01T08:45:00Z", "2026-01-01T09:00:00Z")]
    public void Next_occurrence_follows_ncrontab(string expression, string after, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            CrontabSchedule.Parse(expression).GetNextOccurrence(DateTimeOffset.Parse(after, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("0 3 * * *")]
    [InlineData("60 * * * * *")]
    [InlineData("* * 24 * * *")]
    [InlineData("* * * 0 * *")]
    [InlineData("* * * * 13 *")]
    [InlineData("* * * * * 7")]
    [InlineData("5-1 * * * * *")]
    [InlineData("a b c d e f")]
    public void Invalid_expressions_are_refused(string expression) =>
        Assert.Throws<FormatException>(() => CrontabSchedule.Parse(expression));
}
