namespace StripeWebhooks.Cli;

/// <summary>An ordinary mistake or condition a command reports as one line (its message) and an exit code.</summary>
internal sealed class CliException(string message, int exitCode = ExitCodes.Usage, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>The process exit code to return.</summary>
    public int ExitCode { get; } = exitCode;
}
