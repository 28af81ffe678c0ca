using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using StripeWebhooks.Http;

namespace StripeWebhooks.WebhookFunction;

/// <summary><c>POST /api/stripe/webhook</c>: hands the raw request to the shared endpoint.</summary>
/// <remarks>
/// <see cref="AuthorizationLevel.Function"/> is defence in depth: the host turns away requests without the
/// function key (registered at Stripe as <c>...?code=</c>) before the worker runs. The Stripe signature, which
/// the endpoint verifies over the raw body, stays the real check.
/// </remarks>
internal sealed class StripeWebhookFunction(StripeWebhookEndpoint endpoint)
{
    /// <summary>Returns what the endpoint returns; the ASP.NET Core integration executes the <see cref="IResult"/>.</summary>
    [Function("StripeWebhook")]
    public Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = WebhookRoutes.StripeWebhook)] HttpRequest request,
        CancellationToken cancellationToken) =>
        endpoint.HandleAsync(request, cancellationToken);
}
