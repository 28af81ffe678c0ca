namespace StripeWebhooks.Processing;

/// <summary>
/// <c>Stripe__Livemode</c>, bound from the <c>Stripe</c> section on its own: every path that applies events reads it,
/// <c>webhooks replay</c> included, which has no signing secret to validate.
/// </summary>
internal sealed class LivemodeOptions
{
    /// <summary>What a value other than true, false or nothing is told.</summary>
    public const string InvalidMessage = "Stripe__Livemode must be true (live events only), false (test events only) or unset (both).";

    /// <summary>
    /// <c>true</c> applies live events only, <c>false</c> test events only, unset both. An event of the other mode is
    /// acknowledged and applied nowhere (see #24: a Connect platform's endpoint receives both).
    /// </summary>
    /// <remarks>A string, so that another value is refused at start-up naming the key, not by the binder.</remarks>
    public string? Livemode { get; set; }

    /// <summary>True when <see cref="Livemode"/> is unset, true or false.</summary>
    internal bool IsValid => string.IsNullOrEmpty(Livemode) || bool.TryParse(Livemode, out _);

    /// <summary>The mode whose events are applied, or null for both (<see cref="Livemode"/> unset).</summary>
    internal bool? AppliedLivemode => bool.TryParse(Livemode, out var livemode) ? livemode : null;
}
