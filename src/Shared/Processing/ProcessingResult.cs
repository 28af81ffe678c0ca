namespace StripeWebhooks.Processing;

/// <summary>The outcome of one delivery plus what the caller needs to log and answer it.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Attempts">Failed attempts recorded so far (only for failures).</param>
internal readonly record struct ProcessingResult(ProcessingOutcome Outcome, int Attempts = 0);
