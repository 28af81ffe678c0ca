using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Text.RegularExpressions;
using StripeWebhooks.Cli.Commands;

namespace StripeWebhooks.Cli;

/// <summary>
/// The <c>webhooks</c> tool: its commands, and the one place where a mistake becomes one line on stderr and a
/// non-zero exit code instead of a stack trace.
/// </summary>
internal static partial class WebhooksCli
{
    /// <summary>Shows the stack trace of any error, after its one line.</summary>
    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Show the stack trace of an error too.",
        Recursive = true,
    };

    /// <summary>The root command with every subcommand.</summary>
    public static RootCommand Create()
    {
        var root = new RootCommand("Exactly-once Stripe webhooks on Postgres: run the receiver and operate it.")
        {
            Verbose,
            ServeCommand.Create(),
            MigrateCommand.Create(),
            PurgeCommand.Create(),
            ReconcileCommand.Create(),
            SendCommand.Create(),
            FailuresCommand.Create(),
            ReplayCommand.Create(),
            StatsCommand.Create(),
            EntitlementsCommand.Create(),
            OutboxCommand.Create(),
        };
        // `webhooks` alone shows the commands (instead of "Required command was not provided").
        root.SetAction(parseResult => new HelpAction().Invoke(parseResult));
        return root;
    }

    /// <summary>Parses <paramref name="args"/> and runs the command; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var parseResult = Create().Parse(args);
        if (parseResult.Action is ParseErrorAction)
        {
            // One line per error instead of the error followed by the whole help text.
            foreach (var error in parseResult.Errors)
            {
                await Console.Error.WriteLineAsync($"error: {Readable(OneLine().Replace(error.Message, " "))}");
            }

            return ExitCodes.Usage;
        }

        if (parseResult.CommandResult.Command is RootCommand root && (parseResult.Action is HelpAction || parseResult.Tokens.Count == 0))
        {
            using var help = new StringWriter();
            var exitCode = await parseResult.InvokeAsync(new InvocationConfiguration { Output = help });
            await Console.Out.WriteAsync(RootHelp.MarkOptionalArguments(help.ToString(), root));
            return exitCode;
        }

        try
        {
            return await parseResult.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex)
        {
            return await ErrorReport.WriteAsync(ex, parseResult.GetValue(Verbose), Console.Error);
        }
    }

    // System.CommandLine names .NET types ("as expected type 'System.Int32'"); say what the option wants instead.
    private static string Readable(string message)
    {
        var match = TypeMismatch().Match(message);
        return match.Success
            ? $"{match.Groups["option"].Value} '{match.Groups["value"].Value}' is not {(match.Groups["type"].Value is "System.Int32" or "System.Int64" ? "a whole number" : "valid")}."
            : message;
    }

    // System.CommandLine lists allowed values one per line; an error is one line here.
    [GeneratedRegex(@"\s*\n\s*")]
    private static partial Regex OneLine();

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']+)' as expected type '(?<type>[^']+)'\.")]
    private static partial Regex TypeMismatch();
}
