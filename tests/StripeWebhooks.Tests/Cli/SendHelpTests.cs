using StripeWebhooks.Development;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Cli;

/// <summary>`webhooks send --help` tells a newcomer which event types it can build.</summary>
public class SendHelpTests
{
    [Fact]
    public async Task Send_help_lists_every_sample_type()
    {
        var (exitCode, output) = await ServeProcess.RunAsync(["send", "--help"]);

        Assert.Equal(0, exitCode);
        Assert.Contains($"one of: {string.Join(", ", SampleEvents.Types)}.", output.ReplaceLineEndings(" "), StringComparison.Ordinal);
    }
}
