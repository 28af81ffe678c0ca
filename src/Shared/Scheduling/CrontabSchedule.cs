using System.Globalization;

namespace StripeWebhooks.Scheduling;

/// <summary>A six-field NCRONTAB expression (<c>second minute hour day month day-of-week</c>), evaluated in UTC.</summary>
/// <remarks>
/// The Functions host reads the same <c>PurgeSchedule</c> for the timer trigger; <c>webhooks serve</c> needs
/// its own evaluator because neither NCrontab nor Cronos is in this project's package source. Supports
/// <c>*</c>, numbers, ranges, lists, steps and English month/day names; day and day-of-week must both match.
/// </remarks>
public sealed class CrontabSchedule
{
    private static readonly string[] MonthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private readonly bool[] _seconds, _minutes, _hours, _days, _months, _daysOfWeek;

    private CrontabSchedule(bool[][] fields)
    {
        (_seconds, _minutes, _hours, _days, _months, _daysOfWeek) = (fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]);
    }

    /// <summary>Parses <paramref name="expression"/>; throws <see cref="FormatException"/> naming the bad field.</summary>
    public static CrontabSchedule Parse(string expression)
    {
        var parts = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 6)
        {
            throw new FormatException($"'{expression}' has {parts.Length} fields; NCRONTAB needs 6 (second minute hour day month day-of-week).");
        }

        return new CrontabSchedule([
            ParseField(parts[0], 0, 59, null, "second"),
            ParseField(parts[1], 0, 59, null, "minute"),
            ParseField(parts[2], 0, 23, null, "hour"),
            ParseField(parts[3], 1, 31, null, "day"),
            ParseField(parts[4], 1, 12, MonthNames, "month"),
            ParseField(parts[5], 0, 6, DayNames, "day-of-week"),
        ]);
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/> (UTC), or null if none within 5 years.</summary>
    public DateTimeOffset? GetNextOccurrence(DateTimeOffset after)
    {
        var t = after.UtcDateTime;
        t = new DateTime(t.Year, t.Month, t.Day, t.Hour, t.Minute, t.Second, DateTimeKind.Utc).AddSeconds(1);
        var limit = t.AddYears(5);
        while (t < limit)
        {
            if (!_months[t.Month])
            {
                t = new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1);
            }
            else if (!_days[t.Day] || !_daysOfWeek[(int)t.DayOfWeek])
            {
                t = t.Date.AddDays(1);
            }
            else if (!_hours[t.Hour])
            {
                t = t.Date.AddHours(t.Hour + 1);
            }
            else if (!_minutes[t.Minute])
            {
                t = t.Date.AddHours(t.Hour).AddMinutes(t.Minute + 1);
            }
            else if (!_seconds[t.Second])
            {
                t = t.AddSeconds(1);
            }
            else
            {
                return new DateTimeOffset(t);
            }
        }

        return null;
    }

    private static bool[] ParseField(string field, int min, int max, string[]? names, string what)
    {
        var allowed = new bool[max + 1];
        foreach (var item in field.Split(','))
        {
            var stepAt = item.IndexOf('/', StringComparison.Ordinal);
            var step = 1;
            var range = item;
            if (stepAt >= 0)
            {
                step = ParseNumber(item[(stepAt + 1)..], 1, max, null, what, field);
                range = item[..stepAt];
            }

            int from, to;
            if (range == "*")
            {
                (from, to) = (min, max);
            }
            else if (range.IndexOf('-', StringComparison.Ordinal) is var dash and > 0)
            {
                from = ParseNumber(range[..dash], min, max, names, what, field);
                to = ParseNumber(range[(dash + 1)..], min, max, names, what, field);
            }
            else
            {
                from = ParseNumber(range, min, max, names, what, field);
                to = stepAt >= 0 ? max : from;
            }

            if (from > to)
            {
                throw new FormatException($"The {what} field '{field}' has a range that runs backwards.");
            }

            for (var v = from; v <= to; v += step)
            {
                allowed[v] = true;
            }
        }

        return allowed;
    }

    private static int ParseNumber(string text, int min, int max, string[]? names, string what, string field)
    {
        var nameIndex = names is null ? -1 : Array.FindIndex(names, n => n.Equals(text, StringComparison.OrdinalIgnoreCase));
        if (nameIndex >= 0)
        {
            return nameIndex + (names == MonthNames ? 1 : 0);
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new FormatException($"The {what} field '{field}' needs values from {min} to {max}; '{text}' is not one.");
        }

        return value;
    }
}
