using System.CommandLine;
using StripeWebhooks.Cli.Commands;

var root = new RootCommand("Exactly-once Stripe webhooks on Postgres: run the receiver and operate it.")
{
    ServeCommand.Create(),
    MigrateCommand.Create(),
    PurgeCommand.Create(),
    SendCommand.Create(),
    FailuresCommand.Create(),
    ReplayCommand.Create(),
    StatsCommand.Create(),
    OutboxCommand.Create(),
};

return await root.Parse(args).InvokeAsync();
