using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

namespace StripeWebhooks.WebhookFunction;

/// <summary>The function app's wiring, in one place: <c>Program.cs</c> runs it and the tests build the same host.</summary>
public static class StripeWebhookFunctionApp
{
    /// <summary>
    /// ASP.NET Core integration (the HTTP triggers bind <c>HttpRequest</c> and return <c>IResult</c>) and the
    /// shared registration that <c>webhooks serve</c> calls too.
    /// </summary>
    /// <remarks>
    /// Every option is registered with <c>ValidateOnStart</c>, so a misconfigured app stops in <c>StartAsync</c>,
    /// naming the key, before the worker connects to the Functions host.
    /// </remarks>
    public static FunctionsApplicationBuilder AddStripeWebhookFunctions(this FunctionsApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureFunctionsWebApplication();
        builder.Services.AddStripeWebhooks(builder.Configuration);
        return builder;
    }
}
