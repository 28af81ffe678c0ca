using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StripeWebhooks.Billing;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Billing;

public class BillingOptionsValidationTests
{
    private static OptionsValidationException Fails(Dictionary<string, string?> settings, Action<BillingOptions>? configure = null)
    {
        using var services = PipelineServices.Create("Host=127.0.0.1;Database=unused", settings, s =>
        {
            if (configure is not null)
            {
                s.Configure(configure);
            }
        });
        return Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<BillingOptions>>().Value);
    }

    [Fact]
    public async Task An_empty_price_map_stops_start_up_naming_the_key()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            WebhookTestServer.StartAsync(settings: new Dictionary<string, string?> { ["Billing__Prices"] = null }));
        Assert.Contains("Billing__Prices__<price id> is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_tier_is_refused_naming_the_key() =>
        Assert.Contains("Billing__Prices__price_123 is empty", Fails(new() { ["Billing__Prices__price_123"] = "" }).Message, StringComparison.Ordinal);

    [Fact]
    public void Prices_differing_only_in_case_are_refused_naming_both_keys()
    {
        var error = Fails([], options => options.Prices["PRICE_SAMPLE_PRO"] = "pro");
        Assert.Contains("Billing__Prices__PRICE_SAMPLE_PRO and Billing__Prices__price_sample_pro", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Environment_variables_differing_only_in_case_are_refused_though_configuration_merged_them()
    {
        // Linux keeps both variables; the configuration system keeps one of them, silently.
        var validator = new BillingOptionsValidator(() => ["PATH", "Billing__Prices__price_abc", "BILLING__PRICES__Price_ABC", "Billing:Prices:price_abc"]);
        var options = new BillingOptions { Prices = { ["price_abc"] = "pro" } };

        var result = validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Billing__Prices__Price_ABC and Billing__Prices__price_abc name the same price", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void One_price_spelled_the_same_in_configuration_and_environment_is_fine()
    {
        var validator = new BillingOptionsValidator(() => ["Billing__Prices__price_abc", "BILLING__PRICES__price_abc"]);
        Assert.True(validator.Validate(null, new BillingOptions { Prices = { ["price_abc"] = "pro" } }).Succeeded);
    }

    [Theory]
    [InlineData("Billing__DefaultTier")]
    [InlineData("Billing__UserIdMetadataKey")]
    public void Empty_billing_settings_are_refused_naming_the_key(string key) =>
        Assert.Contains(key, Fails(new() { [key] = " " }).Message, StringComparison.Ordinal);

    [Fact]
    public void Billing_defaults_are_the_documented_ones()
    {
        using var services = PipelineServices.Create("Host=127.0.0.1;Database=unused");
        var billing = services.GetRequiredService<IOptions<BillingOptions>>().Value;
        Assert.Equal(("free", "user_id"), (billing.DefaultTier, billing.UserIdMetadataKey));
    }
}
