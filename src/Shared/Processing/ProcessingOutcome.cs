namespace StripeWebhooks.Processing;

/// <summary>What happened to one delivery of a verified event.</summary>
internal enum ProcessingOutcome
{
    /// <summary>Claimed now; handlers (if any) ran and committed.</summary>
    Processed,

    /// <summary>Already claimed by an earlier delivery; nothing ran.</summary>
    Duplicate,

    /// <summary>Another delivery of the same event held the claim past the lock timeout.</summary>
    InFlight,

    /// <summary>A handler threw; everything rolled back and the failure was recorded.</summary>
    Failed,

    /// <summary>Failed for the last allowed time; parked with its payload until an operator replays it.</summary>
    FailedPermanent,

    /// <summary>Postgres could not be reached.</summary>
    DatabaseUnavailable,

    /// <summary>An event of the mode <c>Stripe__Livemode</c> excludes: acknowledged, nothing claimed or applied.</summary>
    IgnoredLivemode,
}
