namespace StripeWebhooks.Operations;

/// <summary>How <c>webhooks outbox rerun</c> ended.</summary>
internal enum OutboxRerunOutcome
{
    /// <summary>Every handler has now applied the message (those with a receipt were skipped).</summary>
    Applied,

    /// <summary>No outbox row with that id (a typo, or purged after retention).</summary>
    NotFound,

    /// <summary>A handler failed again; the message stays poisoned.</summary>
    Failed,
}
