using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace StripeWebhooks.Http;

/// <summary>Maps the webhook and health endpoints for a plain ASP.NET Core host (<c>webhooks serve</c>).</summary>
public static class EndpointRouteBuilderExtensions
{
    /// <summary>Maps <c>POST /api/stripe/webhook</c> and <c>GET /api/health</c>.</summary>
    public static IEndpointRouteBuilder MapStripeWebhooks(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/" + WebhookRoutes.Prefix);
        api.MapPost(WebhookRoutes.StripeWebhook,
            (HttpRequest request, StripeWebhookEndpoint endpoint) => endpoint.HandleAsync(request, request.HttpContext.RequestAborted));
        api.MapGet(WebhookRoutes.Health,
            (HttpContext context, HealthEndpoint endpoint) => endpoint.CheckAsync(context.RequestAborted));
        return endpoints;
    }
}
