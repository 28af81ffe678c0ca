using Azure;
using StripeWebhooks.Outbox;
using StripeWebhooks.Tests.Support;
using Xunit.Abstractions;

namespace StripeWebhooks.Tests.Outbox;

/// <summary>"Outbox queue unavailable": one line naming the likely cause, no stack trace, repeats throttled.</summary>
public class QueueUnavailableWarningTests(ITestOutputHelper output)
{
    [Fact]
    public void The_same_cause_is_logged_once_per_interval_with_the_count_in_between_and_again_at_once_after_a_recovery()
    {
        var clock = new ManualClock(DateTimeOffset.Parse("2026-12-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var warnings = new OutboxQueueWarnings(clock);

        Assert.True(warnings.ShouldLog("down", out var first));
        clock.Now += TimeSpan.FromSeconds(30);
        Assert.False(warnings.ShouldLog("down", out _));
        Assert.False(warnings.ShouldLog("down", out _));
        Assert.True(warnings.ShouldLog("refused", out _));
        clock.Now += TimeSpan.FromMinutes(5);
        Assert.True(warnings.ShouldLog("refused", out var later));
        warnings.Recovered();
        Assert.True(warnings.ShouldLog("refused", out var afterRecovery));

        Assert.Equal(0, first);
        Assert.Equal(0, later);
        Assert.Equal(0, afterRecovery);
    }

    [Fact]
    public void Suppressed_repeats_are_counted_on_the_next_line()
    {
        var clock = new ManualClock(DateTimeOffset.UnixEpoch);
        var warnings = new OutboxQueueWarnings(clock);
        warnings.ShouldLog("down", out _);
        for (var i = 0; i < 7; i++)
        {
            warnings.ShouldLog("down", out _);
        }

        clock.Now += TimeSpan.FromMinutes(5);

        Assert.True(warnings.ShouldLog("down", out var suppressed));
        Assert.Equal(7, suppressed);
    }

    [Theory]
    [InlineData(400, "InvalidHeaderValue", "The API version 2026-10-06 is not supported by Azurite. Please upgrade Azurite to latest version and retry.", "--skipApiVersionCheck")]
    [InlineData(403, "AuthorizationPermissionMismatch", "This request is not authorized to perform this operation using this permission.", "Storage Queue Data Contributor")]
    public void The_cause_names_what_to_do(int status, string errorCode, string message, string expected)
    {
        var wrapped = new OutboxTransportException("The outbox queue did not accept 1 of 1 messages", new RequestFailedException(status, message, errorCode, null));

        var cause = OutboxQueueWarnings.Cause(wrapped);

        Assert.Contains(expected, cause, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', cause);
    }

    [Fact]
    public async Task Serve_against_an_azurite_that_refuses_the_api_version_says_so_in_one_line_without_a_stack_trace()
    {
        var connectionString = await TestDatabase.CreateAsync();
        await using var azurite = await AzuriteQueue.StartPrivateAsync(checksApiVersion: true);
        await using var serve = await ServeProcess.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings__Webhooks"] = connectionString,
            ["Stripe__WebhookSecrets__0"] = WebhookTestServer.Secret,
            ["Billing__Prices__" + TestPrices.Pro] = "pro",
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Outbox__QueueName"] = AzuriteQueue.NewQueueName(),
        });

        await OutboxServer.EventuallyAsync(() => Task.FromResult(serve.Output.Contains("--skipApiVersionCheck", StringComparison.Ordinal)),
            "serve names the API-version refusal");
        await serve.TerminateAsync();
        output.WriteLine(serve.Output);

        var warnings = serve.Output.Split('\n').Where(l => l.Contains("Outbox queue", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(warnings);
        Assert.All(warnings, w => Assert.Contains("start Azurite with --skipApiVersionCheck", w, StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", serve.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("RequestFailedException", serve.Output, StringComparison.Ordinal);
    }
}
