using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using StripeWebhooks.Http;

namespace StripeWebhooks.WebhookFunction;

/// <summary><c>GET /api/health</c>: 200 when Postgres answers, 503 when it does not.</summary>
/// <remarks>Anonymous so probes need no key; it reveals nothing but <c>ok</c> or <c>unavailable</c>.</remarks>
internal sealed class HealthFunction(HealthEndpoint endpoint)
{
    /// <summary>Runs the shared health check; the request is bound only because an HTTP trigger needs it.</summary>
    [Function("Health")]
    public Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = WebhookRoutes.Health)] HttpRequest request,
        CancellationToken cancellationToken) =>
        endpoint.CheckAsync(cancellationToken);
}
