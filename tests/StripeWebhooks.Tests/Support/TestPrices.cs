namespace StripeWebhooks.Tests.Support;

/// <summary>
/// The price map every test host gets unless its settings name <c>Billing__Prices</c> themselves: the
/// pipeline refuses to start without one, and SampleEvents bill <see cref="Pro"/> by default.
/// </summary>
public static class TestPrices
{
    /// <summary>SampleEvents' default price id.</summary>
    public const string Pro = "price_sample_pro";

    /// <summary>Adds <c>Billing:Prices:price_sample_pro = pro</c> unless <paramref name="configuration"/> configures prices.</summary>
    public static void AddUnlessConfigured(IDictionary<string, string?> configuration)
    {
        if (!configuration.Keys.Any(key => key.StartsWith("Billing:Prices", StringComparison.OrdinalIgnoreCase)))
        {
            configuration["Billing:Prices:" + Pro] = "pro";
        }
    }
}
