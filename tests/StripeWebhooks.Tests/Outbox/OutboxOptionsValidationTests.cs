using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StripeWebhooks.Outbox;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Outbox;

public class OutboxOptionsValidationTests
{
    private static OutboxOptions Read(Dictionary<string, string?> settings)
    {
        using var services = PipelineServices.Create("Host=127.0.0.1;Database=unused", settings);
        return services.GetRequiredService<IOptions<OutboxOptions>>().Value;
    }

    [Theory]
    [InlineData("Outbox__QueueName", "Stripe_Outbox", "Outbox__QueueName must be a valid Azure Storage queue name")]
    [InlineData("Outbox__SweepDelaySeconds", "0", "Outbox__SweepDelaySeconds must be between 1 and 3600; got 0.")]
    [InlineData("Outbox__MaxDequeueCount", "0", "Outbox__MaxDequeueCount must be between 1 and 100; got 0.")]
    [InlineData("Outbox__RedispatchAfterMinutes", "0", "Outbox__RedispatchAfterMinutes must be between 1 and 10080 (7 days); got 0.")]
    [InlineData("Outbox__RedispatchAfterMinutes", "10081", "Outbox__RedispatchAfterMinutes must be between 1 and 10080 (7 days); got 10081.")]
    [InlineData("Outbox__DispatchBatchSize", "1001", "Outbox__DispatchBatchSize must be between 1 and 1000; got 1001.")]
    [InlineData("Outbox__DispatchIntervalMilliseconds", "-1", "Outbox__DispatchIntervalMilliseconds must be between 0 and 10000; got -1.")]
    [InlineData("Outbox__DispatchIntervalMilliseconds", "10001", "Outbox__DispatchIntervalMilliseconds must be between 0 and 10000; got 10001.")]
    public void A_setting_out_of_range_is_refused_naming_the_key(string key, string value, string expected)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Read(new() { [key] = value }));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_defaults_batch_under_load_and_dispatch_at_once_when_idle()
    {
        var options = Read([]);
        Assert.Equal(100, options.DispatchBatchSize);
        Assert.Equal(50, options.DispatchIntervalMilliseconds);
        Assert.Equal(0, Read(new() { ["Outbox__DispatchIntervalMilliseconds"] = "0" }).DispatchIntervalMilliseconds);
    }
}
