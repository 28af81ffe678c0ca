namespace StripeWebhooks.Configuration;

/// <summary>Stripe signature settings, bound from the <c>Stripe</c> section.</summary>
public sealed class StripeOptions
{
    public const string SectionName = "Stripe";

    /// <summary>Signing secrets (<c>whsec_...</c>), newest first: <c>Stripe__WebhookSecrets__0</c>, <c>__1</c>, ...</summary>
    /// <remarks>Several secrets let a rotation overlap; the index that matched is logged and counted.</remarks>
    public List<string> WebhookSecrets { get; set; } = [];

    /// <summary>Largest accepted distance between the signed timestamp and now, past or future.</summary>
    public int SignatureToleranceSeconds { get; set; } = 300;

    /// <summary>
    /// <c>Stripe__Livemode</c>: <c>true</c> applies live events only, <c>false</c> test events only, unset both. An event
    /// of the other mode is acknowledged and applied nowhere (see #24: a Connect endpoint receives both).
    /// </summary>
    /// <remarks>A string, so that a value other than true or false is refused by the validator, naming the key.</remarks>
    public string? Livemode { get; set; }

    /// <summary>The mode whose events are applied, or null for both (<see cref="Livemode"/> unset).</summary>
    internal bool? AppliedLivemode => bool.TryParse(Livemode, out var livemode) ? livemode : null;
}
