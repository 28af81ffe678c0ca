namespace StripeWebhooks.Cli;

/// <summary>The exit codes of <c>webhooks</c>.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>The command ran and failed: an unreachable database or URL, a replay that failed again, a 4xx/5xx reply.</summary>
    public const int Failed = 1;

    /// <summary>The command was not run: a bad option value, a missing file, invalid configuration, no database to use.</summary>
    public const int Usage = 2;

    /// <summary>An error nobody anticipated (a bug): its stack trace is shown with <c>--verbose</c>.</summary>
    public const int Unexpected = 70;

    /// <summary>Interrupted by Ctrl-C (128 + SIGINT).</summary>
    public const int Interrupted = 130;
}
