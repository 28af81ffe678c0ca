namespace StripeWebhooks;

/// <summary>The routes both hosts expose, so `webhooks serve` and the function app answer on the same URLs.</summary>
internal static class WebhookRoutes
{
    /// <summary>Route prefix; the Functions host sets it in host.json (<c>extensions.http.routePrefix</c>).</summary>
    public const string Prefix = "api";

    /// <summary>Route of the Stripe webhook endpoint, below <see cref="Prefix"/>.</summary>
    public const string StripeWebhook = "stripe/webhook";

    /// <summary>Route of the health check, below <see cref="Prefix"/>.</summary>
    public const string Health = "health";
}
