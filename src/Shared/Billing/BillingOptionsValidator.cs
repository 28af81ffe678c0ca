using Microsoft.Extensions.Options;

namespace StripeWebhooks.Billing;

/// <summary>Refuses to start without a usable price map; every message names the environment variable to fix.</summary>
/// <remarks>
/// Environment variable names are case-sensitive on Linux but configuration keys are not, so
/// <c>Billing__Prices__price_a</c> and <c>Billing__Prices__PRICE_A</c> would silently collapse into one entry.
/// The validator therefore also looks at the raw variable names, where both are still visible.
/// </remarks>
internal sealed class BillingOptionsValidator : IValidateOptions<BillingOptions>
{
    private const string PricesKey = "Billing__Prices";

    private readonly Func<IEnumerable<string>> _environmentVariableNames;

    public BillingOptionsValidator()
        : this(() => Environment.GetEnvironmentVariables().Keys.Cast<object>().Select(key => key.ToString() ?? string.Empty))
    {
    }

    internal BillingOptionsValidator(Func<IEnumerable<string>> environmentVariableNames) =>
        _environmentVariableNames = environmentVariableNames;

    public ValidateOptionsResult Validate(string? name, BillingOptions options)
    {
        var errors = new List<string>();
        if (options.Prices.Count == 0)
        {
            errors.Add($"{PricesKey}__<price id> is required: map each Stripe price id to a tier, e.g. {PricesKey}__price_123=pro.");
        }

        foreach (var (priceId, tier) in options.Prices)
        {
            if (string.IsNullOrWhiteSpace(priceId))
            {
                errors.Add($"{PricesKey}__ has an empty price id: the variable name must end with the Stripe price id.");
            }
            else if (string.IsNullOrWhiteSpace(tier))
            {
                errors.Add($"{PricesKey}__{priceId} is empty: set it to the tier name for that price.");
            }
        }

        foreach (var spellings in CaseInsensitiveDuplicates(options.Prices.Keys.Concat(PriceIdsInEnvironment())))
        {
            errors.Add($"{string.Join(" and ", spellings.Select(priceId => $"{PricesKey}__{priceId}"))} name the same price (configuration keys are case-insensitive): keep one.");
        }

        if (string.IsNullOrWhiteSpace(options.DefaultTier))
        {
            errors.Add("Billing__DefaultTier must not be empty (default: free).");
        }

        if (string.IsNullOrWhiteSpace(options.UserIdMetadataKey))
        {
            errors.Add("Billing__UserIdMetadataKey must not be empty (default: user_id).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Price ids named by <c>Billing__Prices__*</c> (or <c>Billing:Prices:*</c>) environment variables.</summary>
    private IEnumerable<string> PriceIdsInEnvironment()
    {
        const string prefix = PricesKey + "__";
        return _environmentVariableNames()
            .Select(variable => variable.Replace(":", "__", StringComparison.Ordinal))
            .Where(variable => variable.Length > prefix.Length && variable.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(variable => variable[prefix.Length..]);
    }

    /// <summary>Price ids equal ignoring case but spelled differently (one spelling seen twice is one price).</summary>
    private static IEnumerable<string[]> CaseInsensitiveDuplicates(IEnumerable<string> priceIds) =>
        priceIds.Distinct(StringComparer.Ordinal)
            .GroupBy(priceId => priceId, StringComparer.OrdinalIgnoreCase)
            .Where(group => group.Count() > 1)
            .Select(group => group.Order(StringComparer.Ordinal).ToArray());
}
