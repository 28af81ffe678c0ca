namespace StripeWebhooks.Signatures;

/// <summary>Stripe signature settings, bound from the <c>Stripe</c> section.</summary>
internal sealed class StripeOptions
{
    public const string SectionName = "Stripe";

    /// <summary>Signing secrets (<c>whsec_...</c>), newest first: <c>Stripe__WebhookSecrets__0</c>, <c>__1</c>, ...</summary>
    /// <remarks>Several secrets let a rotation overlap; the index that matched is logged and counted.</remarks>
    public List<string> WebhookSecrets { get; set; } = [];

    /// <summary>Largest accepted distance between the signed timestamp and now, past or future.</summary>
    public int SignatureToleranceSeconds { get; set; } = 300;
}
