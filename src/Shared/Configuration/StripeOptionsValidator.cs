using Microsoft.Extensions.Options;

namespace StripeWebhooks.Configuration;

/// <summary>Refuses to start without a usable signing secret or with a nonsensical tolerance.</summary>
public sealed class StripeOptionsValidator : IValidateOptions<StripeOptions>
{
    public ValidateOptionsResult Validate(string? name, StripeOptions options)
    {
        var errors = new List<string>();
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

        if (options.SignatureToleranceSeconds is < 1 or > 86_400)
        {
            errors.Add($"Stripe__SignatureToleranceSeconds must be between 1 and 86400; got {options.SignatureToleranceSeconds}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
