namespace StripeWebhooks.Reconciliation;

/// <summary>How the reconciler reaches Stripe's API, bound from the <c>Stripe</c> section (<c>Stripe__ApiKey</c>, ...).</summary>
internal sealed class StripeApiOptions
{
    public const string SectionName = "Stripe";

    /// <summary>A restricted key (<c>rk_...</c>) with only "Events: read", or a secret key (<c>sk_...</c>). Empty: reconciliation is off.</summary>
    /// <remarks>Never logged, never printed.</remarks>
    public string? ApiKey { get; set; }

    /// <summary>Where Stripe's API is; a stand-in (stripe-mock, a proxy, a test server) for tests. Empty: Stripe's own.</summary>
    public string? ApiBase { get; set; }

    /// <summary>Retries of a request Stripe answers 429 or 5xx (or that fails on the network), by Stripe.net itself.</summary>
    public int MaxNetworkRetries { get; set; } = 2;

    /// <summary>True when a key is set, so reconciliation runs.</summary>
    public bool ReconciliationEnabled => !string.IsNullOrEmpty(ApiKey);
}
