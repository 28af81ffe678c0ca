using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace StripeWebhooks.Billing;

/// <summary>The validated <c>Billing__Prices__*</c> map: which tier a Stripe price buys.</summary>
internal sealed class PriceTiers(IOptions<BillingOptions> options)
{
    // Case-insensitive like the configuration keys it comes from; the validator refuses ambiguous spellings.
    private readonly FrozenDictionary<string, string> _tiers = options.Value.Prices.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>The tier configured for <paramref name="priceId"/>, if any.</summary>
    public bool TryGetTier(string? priceId, [NotNullWhen(true)] out string? tier)
    {
        tier = null;
        return priceId is not null && _tiers.TryGetValue(priceId, out tier);
    }
}
