namespace StripeWebhooks.Processing;

/// <summary>How a claimed event's unit of work ended (<see cref="HandlerRun"/>).</summary>
internal enum HandlerRunState
{
    /// <summary>Claimed, handled, and the COMMIT ran: now, and only now, its after-commit work may run.</summary>
    Committed,

    /// <summary>Claimed by an earlier delivery; committed (the purge on the way), nothing of the handlers ran.</summary>
    Duplicate,

    /// <summary>Claimed, then a handler failed: the transaction is still open, its savepoint after the claim still there.</summary>
    HandlerFailed,

    /// <summary>Not claimed: a concurrent delivery held the claim, or Postgres could not be reached; nothing committed.</summary>
    Unfinished,
}
