namespace StripeWebhooks.Operations;

/// <summary>What <c>webhooks replay</c> did.</summary>
internal enum ReplayOutcome
{
    /// <summary>Handlers ran and committed; the failure is resolved.</summary>
    Replayed,

    /// <summary>Handlers ran and were rolled back (<c>--dry-run</c>).</summary>
    DryRun,

    /// <summary>No failure with a stored payload exists for the id.</summary>
    NotFound,

    /// <summary>The event was processed in the meantime (a later delivery succeeded); nothing ran.</summary>
    AlreadyProcessed,

    /// <summary>A handler threw again; everything rolled back and the attempt was recorded.</summary>
    Failed,

    /// <summary>The event is of the mode <c>Stripe__Livemode</c> excludes; nothing ran and the failure stays open.</summary>
    IgnoredLivemode,
}
