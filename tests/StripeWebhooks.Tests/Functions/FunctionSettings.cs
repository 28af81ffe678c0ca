using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Functions;

/// <summary>App settings for the function app under test: a real database, a signing secret and the test price map.</summary>
public static class FunctionSettings
{
    public const string Secret = WebhookTestServer.Secret;

    public static Dictionary<string, string?> For(string connectionString) => new()
    {
        ["ConnectionStrings__Webhooks"] = connectionString,
        ["Stripe__WebhookSecrets__0"] = Secret,
        ["Billing__Prices__" + TestPrices.Pro] = "pro",

        // What the Functions host passes its worker. Nothing listens on port 9 (discard): a host that got past its
        // start-up validation would fail to connect instead of talking to a real Functions host.
        ["Functions__Worker__HostEndpoint"] = "http://127.0.0.1:9",
        ["Functions__Worker__WorkerId"] = "in-process-tests",
        ["Functions__Worker__RequestId"] = "in-process-tests",
        ["Functions__Worker__GrpcMaxMessageLength"] = "2147483647",
    };
}
