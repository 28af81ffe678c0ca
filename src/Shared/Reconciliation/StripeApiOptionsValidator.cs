using Microsoft.Extensions.Options;
using StripeWebhooks.Configuration;
using StripeWebhooks.Processing;

namespace StripeWebhooks.Reconciliation;

/// <summary>
/// Refuses a key that is not a Stripe secret or restricted key, a key of the mode <c>Stripe__Livemode</c> ignores (it would
/// list only events nothing applies), and an API base that is not a URL; never quotes the key.
/// </summary>
internal sealed class StripeApiOptionsValidator(IOptions<LivemodeOptions> livemode) : IValidateOptions<StripeApiOptions>
{
    public ValidateOptionsResult Validate(string? name, StripeApiOptions options)
    {
        var errors = new OptionErrors();
        if (options.ApiKey is { Length: > 0 } key && !key.StartsWith("rk_", StringComparison.Ordinal) && !key.StartsWith("sk_", StringComparison.Ordinal))
        {
            // An unresolved Key Vault reference arrives as the literal "@Microsoft.KeyVault(...)".
            errors.Add("Stripe__ApiKey is not a Stripe restricted or secret key (rk_... or sk_...); is it an unresolved Key Vault reference? Leave it empty to switch reconciliation off.");
        }
        else if (options.ApiKey is { Length: > 0 } && options.ApiKey.Any(char.IsWhiteSpace))
        {
            errors.Add("Stripe__ApiKey contains whitespace.");
        }
        else if (options.ApiKey is { Length: > 0 } apiKey && livemode.Value is { IsValid: true, AppliedLivemode: { } applied }
                 && KeyLivemode(apiKey) is { } keyLive && keyLive != applied)
        {
            errors.Add($"Stripe__ApiKey is a {(keyLive ? "live" : "test")} key but Stripe__Livemode={(applied ? "true" : "false")} applies " +
                       $"{(applied ? "live" : "test")} events only: reconciliation would list nothing it may apply. Use a key of the same mode.");
        }

        if (options.ApiBase is { Length: > 0 } apiBase
            && (!Uri.TryCreate(apiBase, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
        {
            errors.Add($"Stripe__ApiBase '{apiBase}' is not an http:// or https:// URL (default: {Stripe.StripeClient.DefaultApiBase}).");
        }

        errors.Between("Stripe__MaxNetworkRetries", options.MaxNetworkRetries, 0, 10);
        return errors.Result;
    }

    /// <summary>The mode a key's prefix names (<c>sk_live_</c>, <c>rk_test_</c>, ...); null when it names none.</summary>
    private static bool? KeyLivemode(string key) =>
        key.AsSpan(3).StartsWith("live_", StringComparison.Ordinal) ? true
        : key.AsSpan(3).StartsWith("test_", StringComparison.Ordinal) ? false
        : null;
}
