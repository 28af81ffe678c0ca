namespace StripeWebhooks.Processing;

/// <summary>Where a claimed event's unit of work stands once its last round trip returned (see <see cref="StripeEventProcessor"/>).</summary>
/// <param name="State">What happened.</param>
/// <param name="AfterCommit">The handlers' after-commit work (<see cref="HandlerRunState.Committed"/> only).</param>
/// <param name="Started">When the handlers started (<see cref="System.Diagnostics.Stopwatch"/> timestamp), for the duration metric.</param>
/// <param name="Error">What failed (<see cref="HandlerRunState.HandlerFailed"/>, <see cref="HandlerRunState.Unfinished"/>).</param>
/// <param name="Outcome">The answer of an <see cref="HandlerRunState.Unfinished"/> run.</param>
internal readonly record struct HandlerRun(HandlerRunState State, Action? AfterCommit = null, long Started = 0, Exception? Error = null,
    ProcessingOutcome Outcome = ProcessingOutcome.Processed)
{
    public static HandlerRun Committed(Action? afterCommit, long started) => new(HandlerRunState.Committed, afterCommit, started);

    public static HandlerRun Duplicate { get; } = new(HandlerRunState.Duplicate);

    public static HandlerRun HandlerFailed(Exception error) => new(HandlerRunState.HandlerFailed, Error: error);

    public static HandlerRun Unfinished(ProcessingOutcome outcome, Exception error) => new(HandlerRunState.Unfinished, Error: error, Outcome: outcome);
}
