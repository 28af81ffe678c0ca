using Microsoft.Extensions.Options;
using StripeWebhooks.Configuration;

namespace StripeWebhooks.Signatures;

/// <summary>Refuses to start without a usable signing secret or with a nonsensical tolerance.</summary>
internal sealed class StripeOptionsValidator : IValidateOptions<StripeOptions>
{
    public ValidateOptionsResult Validate(string? name, StripeOptions options)
    {
        var errors = new OptionErrors();
        if (options.WebhookSecrets.Count == 0)
        {
            errors.Add("Stripe__WebhookSecrets__0 is required: set it to the endpoint's signing secret (whsec_...).");
        }

        for (var i = 0; i < options.WebhookSecrets.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.WebhookSecrets[i]))
            {
                errors.Add($"Stripe__WebhookSecrets__{i} is empty.");
            }
            else if (!options.WebhookSecrets[i].StartsWith("whsec_", StringComparison.Ordinal))
            {
                // An unresolved Key Vault reference arrives as the literal "@Microsoft.KeyVault(...)".
                errors.Add($"Stripe__WebhookSecrets__{i} is not a Stripe signing secret (whsec_...); is it an unresolved Key Vault reference?");
            }
        }

        errors.Between("Stripe__SignatureToleranceSeconds", options.SignatureToleranceSeconds, 1, 86_400);
        return errors.Result;
    }
}
