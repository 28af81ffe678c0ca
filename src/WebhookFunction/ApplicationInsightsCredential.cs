using Azure.Core;
using Azure.Identity;

namespace StripeWebhooks.WebhookFunction;

/// <summary>
/// The Entra credential the Azure Monitor exporter sends telemetry with, from the app setting the Functions host reads
/// for the same purpose: <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> = <c>ClientId=&lt;guid&gt;;Authorization=AAD</c>.
/// </summary>
/// <remarks>
/// infra/ disables local (key) authentication on Application Insights, so without a credential nothing would be
/// accepted. No setting, or one without <c>Authorization=AAD</c>, means no credential (a resource that takes keys).
/// </remarks>
internal static class ApplicationInsightsCredential
{
    public const string AuthenticationStringSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    public static TokenCredential? FromAuthenticationString(string? authenticationString)
    {
        var parts = (authenticationString ?? "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2, StringSplitOptions.TrimEntries))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.OrdinalIgnoreCase);
        if (!string.Equals(parts.GetValueOrDefault("Authorization"), "AAD", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return parts.TryGetValue("ClientId", out var clientId) && clientId.Length > 0
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
    }
}
