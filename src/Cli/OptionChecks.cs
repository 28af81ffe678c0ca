using System.CommandLine;
using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace StripeWebhooks.Cli;

/// <summary>
/// Validators for option values, so a bad value is a parse error (one line, exit code 2) before a command runs
/// instead of an exception from deep inside it.
/// </summary>
internal static class OptionChecks
{
    /// <summary>The value must be an absolute <c>http://</c> or <c>https://</c> URL.</summary>
    public static Option<string> HttpUrl(this Option<string> option)
    {
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                result.AddError($"{option.Name} '{value}' is not an http:// or https:// URL.");
            }
        });
        return option;
    }

    /// <summary>The value must be Kestrel listen addresses (<c>http://host:port</c>, several separated by <c>;</c>).</summary>
    public static Option<string> ListenUrls(this Option<string> option)
    {
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            foreach (var url in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).DefaultIfEmpty(value))
            {
                if (!IsListenAddress(url))
                {
                    result.AddError($"{option.Name} '{url}' is not an address to listen on, like http://127.0.0.1:7071.");
                    return;
                }
            }
        });
        return option;
    }

    /// <summary>The value must be an age such as <paramref name="examples"/> (<see cref="ParseAge"/>).</summary>
    public static Option<string?> Age(this Option<string?> option, string examples)
    {
        option.Validators.Add(result =>
        {
            var text = result.GetValueOrDefault<string?>() ?? "";
            if (ParseAge(text) is null)
            {
                result.AddError($"{option.Name} '{text}' is not an age like {examples}.");
            }
        });
        return option;
    }

    /// <summary>An age in days, hours or minutes (30d, 96h, 90m); null when <paramref name="text"/> is none.</summary>
    public static TimeSpan? ParseAge(string text)
    {
        if (text.Length < 2 || !double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
        {
            return null;
        }

        return char.ToLowerInvariant(text[^1]) switch
        {
            'd' => TimeSpan.FromDays(amount),
            'h' => TimeSpan.FromHours(amount),
            'm' => TimeSpan.FromMinutes(amount),
            _ => null,
        };
    }

    /// <summary>The value must be at least <paramref name="minimum"/>.</summary>
    public static Option<int> AtLeast(this Option<int> option, int minimum)
    {
        option.Validators.Add(result =>
        {
            // A value that is not a number at all already has its parse error; reading it would throw.
            if (result.Tokens.Count > 0 && !int.TryParse(result.Tokens[^1].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            {
                return;
            }

            var value = result.GetValueOrDefault<int>();
            if (value < minimum)
            {
                result.AddError($"{option.Name} must be at least {minimum}; got {value}.");
            }
        });
        return option;
    }

    private static bool IsListenAddress(string url)
    {
        try
        {
            // Kestrel's own parser (it accepts http://*:80 and http://+:80, which Uri does not).
            var address = BindingAddress.Parse(url);
            return address.Scheme is "http" or "https" && !string.IsNullOrEmpty(address.Host);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
