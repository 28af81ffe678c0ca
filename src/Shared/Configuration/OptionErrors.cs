using Microsoft.Extensions.Options;

namespace StripeWebhooks.Configuration;

/// <summary>
/// What every feature's options validator shares: the errors found so far, each naming the environment variable to
/// fix and the value it had, in one wording for every range.
/// </summary>
internal sealed class OptionErrors
{
    private readonly List<string> _errors = [];

    /// <summary>The validator's answer: success, or every error at once.</summary>
    public ValidateOptionsResult Result => _errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_errors);

    public void Add(string error) => _errors.Add(error);

    /// <summary>Refuses <paramref name="value"/> outside <paramref name="min"/>..<paramref name="max"/>; <paramref name="why"/> is said in parentheses.</summary>
    public void Between(string key, int value, int min, int max, string? why = null)
    {
        if (value < min || value > max)
        {
            _errors.Add($"{key} must be between {min} and {max}{Reason(why)}; got {value}.");
        }
    }

    /// <summary>Refuses <paramref name="value"/> below <paramref name="min"/>; <paramref name="why"/> is said in parentheses.</summary>
    public void AtLeast(string key, int value, int min, string? why = null)
    {
        if (value < min)
        {
            _errors.Add($"{key} must be at least {min}{Reason(why)}; got {value}.");
        }
    }

    private static string Reason(string? why) => why is null ? "" : $" ({why})";
}
