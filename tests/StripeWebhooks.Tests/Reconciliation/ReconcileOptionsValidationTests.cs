using Microsoft.Extensions.Options;
using StripeWebhooks.Tests.Functions;

namespace StripeWebhooks.Tests.Reconciliation;

/// <summary>Reconciliation's settings are checked at start-up, naming the key and never quoting the API key.</summary>
public sealed class ReconcileOptionsValidationTests
{
    [Theory]
    [InlineData("Stripe__ApiKey", "pk_test_publishableKeyIsNotIt", "Stripe__ApiKey is not a Stripe restricted or secret key")]
    [InlineData("Stripe__ApiKey", "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/stripe-api-key/)", "unresolved Key Vault reference")]
    [InlineData("Stripe__ApiBase", "not a url", "Stripe__ApiBase 'not a url' is not an http:// or https:// URL")]
    [InlineData("Stripe__MaxNetworkRetries", "11", "Stripe__MaxNetworkRetries must be between 0 and 10")]
    [InlineData("ReconcileSchedule", "every 15 minutes", "ReconcileSchedule is not a 6-field NCRONTAB expression")]
    [InlineData("Reconcile__OverlapMinutes", "-5", "Reconcile__OverlapMinutes must be between 0 and 1440")]
    public void A_bad_setting_stops_start_up_naming_the_key(string key, string value, string expected)
    {
        var settings = FunctionSettings.For("Host=127.0.0.1;Database=unused");
        settings[key] = value;
        using var app = FunctionApp.Build(settings);

        var error = Assert.Throws<OptionsValidationException>(app.ValidateAsAtStart);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("publishableKeyIsNotIt", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rk_live_restricted")]
    [InlineData("sk_test_secret")]
    [InlineData("")]
    public void A_restricted_or_secret_key_or_none_starts(string key)
    {
        var settings = FunctionSettings.For("Host=127.0.0.1;Database=unused");
        settings["Stripe__ApiKey"] = key;
        using var app = FunctionApp.Build(settings);

        app.ValidateAsAtStart();
    }

    [Theory]
    [InlineData("rk_live_restricted", "false", "Stripe__ApiKey is a live key but Stripe__Livemode=false applies test events only")]
    [InlineData("sk_test_secret", "true", "Stripe__ApiKey is a test key but Stripe__Livemode=true applies live events only")]
    public void A_key_of_the_mode_Stripe_Livemode_ignores_stops_start_up(string key, string livemode, string expected)
    {
        var settings = FunctionSettings.For("Host=127.0.0.1;Database=unused");
        settings["Stripe__ApiKey"] = key;
        settings["Stripe__Livemode"] = livemode;
        using var app = FunctionApp.Build(settings);

        var error = Assert.Throws<OptionsValidationException>(app.ValidateAsAtStart);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(key, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rk_live_restricted", "true")]
    [InlineData("sk_test_secret", "false")]
    [InlineData("rk_test_restricted", "")]
    public void A_key_of_the_applied_mode_starts(string key, string livemode)
    {
        var settings = FunctionSettings.For("Host=127.0.0.1;Database=unused");
        settings["Stripe__ApiKey"] = key;
        settings["Stripe__Livemode"] = livemode;
        using var app = FunctionApp.Build(settings);

        app.ValidateAsAtStart();
    }
}
