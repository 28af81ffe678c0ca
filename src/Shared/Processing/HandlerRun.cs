namespace StripeWebhooks.Processing;

/// <summary>How a claimed event's unit of work ended, for <see cref="StripeEventProcessor"/> to finish it in one place.</summary>
internal readonly record struct HandlerRun(HandlerRun.Ending End, Action? AfterCommit = null, Exception? Error = null,
    ProcessingOutcome Outcome = ProcessingOutcome.Processed)
{
    internal enum Ending
    {
        /// <summary>Claimed, handled, and the COMMIT ran: now, and only now, its after-commit work may run.</summary>
        Committed,

        /// <summary>Claimed by an earlier delivery: no handler ran; the batch's purge committed, or rolled back when a writer refused the event.</summary>
        Duplicate,

        /// <summary>Claimed, then a handler failed: the transaction is open, the savepoint after the claim still there.</summary>
        HandlerFailed,

        /// <summary>Not claimed (<see cref="Outcome"/> says why): nothing committed.</summary>
        Unfinished,
    }

    public static HandlerRun Committed(Action? afterCommit) => new(Ending.Committed, afterCommit);

    public static HandlerRun Duplicate { get; } = new(Ending.Duplicate);

    public static HandlerRun HandlerFailed(Exception error) => new(Ending.HandlerFailed, Error: error);

    public static HandlerRun Unfinished(ProcessingOutcome outcome, Exception error) => new(Ending.Unfinished, Error: error, Outcome: outcome);
}
