using StripeWebhooks.Cli;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Cli;

/// <summary>`webhooks --help` shows optional arguments as optional, as each command's own usage does.</summary>
public class RootHelpTests
{
    [Fact]
    public async Task The_command_list_marks_the_entitlements_user_id_optional_and_the_replay_event_id_required()
    {
        var (exitCode, output) = await ServeProcess.RunAsync(["--help"]);

        Assert.Equal(0, exitCode);
        Assert.Matches(@"\n  entitlements \[<user-id>\]\s+Show the entitlements view", output);
        Assert.Matches(@"\n  replay <event-id>\s+Re-run", output);
    }

    [Fact]
    public void A_wrapped_description_stays_with_its_row_and_the_columns_stay_aligned()
    {
        const string help = "Commands:\n  replay <event-id>       Re-run the handlers\n                          of a failed event.\n  entitlements <user-id>  Show the view.\n\nOptions:\n";

        var marked = RootHelp.MarkOptionalArguments(help, WebhooksCli.Create());

        Assert.Equal("Commands:\n  replay <event-id>         Re-run the handlers\n                            of a failed event.\n  entitlements [<user-id>]  Show the view.\n\nOptions:\n", marked);
    }
}
