using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StripeWebhooks.Processing;
using StripeWebhooks.Scheduling;
using StripeWebhooks.Signatures;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Configuration;

public class OptionsValidationTests
{
    private static OptionsValidationException Fails<T>(Dictionary<string, string?> settings, bool withoutSecret = false)
        where T : class
    {
        using var services = PipelineServices.Create("Host=127.0.0.1;Database=unused", settings, s =>
        {
            if (withoutSecret)
            {
                s.Configure<StripeOptions>(o => o.WebhookSecrets.Clear());
            }
        });
        return Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<T>>().Value);
    }

    [Fact]
    public void Retention_of_3_days_is_refused_naming_the_key()
    {
        var error = Fails<WebhookOptions>(new() { ["Webhooks__RetentionDays"] = "3" });
        Assert.Contains("Webhooks__RetentionDays", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Webhooks__MaxBodyBytes", "0")]
    [InlineData("Webhooks__LockTimeoutSeconds", "0")]
    [InlineData("Webhooks__MaxAttempts", "0")]
    public void Out_of_range_pipeline_settings_are_refused_naming_the_key(string key, string value) =>
        Assert.Contains(key, Fails<WebhookOptions>(new() { [key] = value }).Message, StringComparison.Ordinal);

    [Fact]
    public void A_missing_signing_secret_is_refused_naming_the_key() =>
        Assert.Contains("Stripe__WebhookSecrets__0", Fails<StripeOptions>([], withoutSecret: true).Message, StringComparison.Ordinal);

    [Fact]
    public void An_unresolved_key_vault_reference_is_not_taken_for_a_secret() =>
        Assert.Contains("Stripe__WebhookSecrets__0", Fails<StripeOptions>(new() { ["Stripe__WebhookSecrets__0"] = "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/stripe-webhook-secret-0/)" }).Message, StringComparison.Ordinal);

    [Fact]
    public void A_bad_tolerance_is_refused_naming_the_key() =>
        Assert.Contains("Stripe__SignatureToleranceSeconds", Fails<StripeOptions>(new() { ["Stripe__SignatureToleranceSeconds"] = "-5" }).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("yes")]
    [InlineData("1")]
    [InlineData("live")]
    public void A_stripe_livemode_other_than_true_or_false_is_refused_naming_the_key(string value) =>
        Assert.Contains("Stripe__Livemode", Fails<LivemodeOptions>(new() { ["Stripe__Livemode"] = value }).Message, StringComparison.Ordinal);

    [Fact]
    public void A_bad_purge_schedule_is_refused_naming_the_key() =>
        Assert.Contains("PurgeSchedule", Fails<PurgeScheduleOptions>(new() { ["PurgeSchedule"] = "0 3 * * *" }).Message, StringComparison.Ordinal);

    [Fact]
    public void Defaults_are_the_documented_ones()
    {
        using var services = PipelineServices.Create("Host=127.0.0.1;Database=unused");
        var webhooks = services.GetRequiredService<IOptions<WebhookOptions>>().Value;
        Assert.Equal((30, 1_048_576, 10, 10), (webhooks.RetentionDays, webhooks.MaxBodyBytes, webhooks.LockTimeoutSeconds, webhooks.MaxAttempts));
        Assert.Equal(300, services.GetRequiredService<IOptions<StripeOptions>>().Value.SignatureToleranceSeconds);
        Assert.Equal("0 17 3 * * *", services.GetRequiredService<IOptions<PurgeScheduleOptions>>().Value.Schedule);
    }
}
