using Microsoft.Extensions.Options;
using StripeWebhooks.Configuration;

namespace StripeWebhooks.Reconciliation;

/// <summary>Refuses a key that is not a Stripe secret or restricted key, and an API base that is not a URL; never quotes the key.</summary>
internal sealed class StripeApiOptionsValidator : IValidateOptions<StripeApiOptions>
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

        if (options.ApiBase is { Length: > 0 } apiBase
            && (!Uri.TryCreate(apiBase, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
        {
            errors.Add($"Stripe__ApiBase '{apiBase}' is not an http:// or https:// URL (default: {Stripe.StripeClient.DefaultApiBase}).");
        }

        errors.Between("Stripe__MaxNetworkRetries", options.MaxNetworkRetries, 0, 10);
        return errors.Result;
    }
}
