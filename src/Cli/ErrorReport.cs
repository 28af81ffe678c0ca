using Microsoft.Extensions.Options;
using Npgsql;

namespace StripeWebhooks.Cli;

/// <summary>Turns an exception that ended a command into one line on stderr and an exit code.</summary>
/// <remarks>
/// Ordinary conditions (bad configuration, Postgres down, a database never migrated) read as what to do about them.
/// Anything else is a bug: one line naming the exception, and its stack trace with <c>--verbose</c>.
/// </remarks>
internal static class ErrorReport
{
    /// <summary>Writes <paramref name="exception"/>'s line(s) to <paramref name="error"/>; returns the exit code.</summary>
    public static async Task<int> WriteAsync(Exception exception, bool verbose, TextWriter error)
    {
        var (lines, exitCode) = Describe(exception);
        foreach (var line in lines)
        {
            await error.WriteLineAsync(line);
        }

        if (verbose)
        {
            await error.WriteLineAsync(exception.ToString());
        }

        return exitCode;
    }

    /// <summary>The line(s) and exit code for <paramref name="exception"/>.</summary>
    public static (IReadOnlyList<string> Lines, int ExitCode) Describe(Exception exception) => exception switch
    {
        CliException cli => ([$"error: {cli.Message}"], cli.ExitCode),
        OptionsValidationException invalid => ([.. invalid.Failures.Select(f => $"configuration error: {f}")], ExitCodes.Usage),
        OperationCanceledException => (["interrupted"], ExitCodes.Interrupted),
        UnauthorizedAccessException denied => ([$"error: {FirstLine(denied.Message)}"], ExitCodes.Usage),
        PostgresException { SqlState: PostgresErrorCodes.UndefinedTable } missing =>
            ([$"error: {missing.MessageText}: this database was never migrated (run `webhooks migrate`)"], ExitCodes.Failed),
        PostgresException postgres => ([$"error: Postgres: {postgres.MessageText} ({postgres.SqlState})"], ExitCodes.Failed),
        NpgsqlException npgsql when IsHostNotFound(npgsql) =>
            (["error: cannot reach Postgres: the Host of ConnectionStrings__Webhooks is not a host name this machine can resolve"], ExitCodes.Failed),
        NpgsqlException npgsql => ([$"error: cannot reach Postgres: {Innermost(npgsql)}"], ExitCodes.Failed),
        // MigrationRunner refuses an edited or unknown migration with an InvalidOperationException naming it.
        InvalidOperationException migration when migration.Message.Contains("Migration", StringComparison.Ordinal) =>
            ([$"error: {migration.Message}"], ExitCodes.Usage),
        _ => ([$"error: unexpected {exception.GetType().Name}: {FirstLine(exception.Message)} (a bug: --verbose shows the stack trace)"], ExitCodes.Unexpected),
    };

    /// <summary>The name in a connection or URL did not resolve (the socket error under Npgsql's or HttpClient's exception).</summary>
    public static bool IsHostNotFound(Exception exception) =>
        exception.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.HostNotFound };

    private static string Innermost(Exception exception)
    {
        var message = FirstLine(exception.Message);
        var last = message;
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            // A socket error is often wrapped with its own message: say it once.
            var line = FirstLine(inner.Message);
            if (line != last)
            {
                message += $" ({line})";
                last = line;
            }
        }

        return message;
    }

    private static string FirstLine(string text) => text.Split('\n')[0].TrimEnd('\r');
}
