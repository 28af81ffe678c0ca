using Microsoft.Extensions.Options;
using StripeWebhooks.Signatures;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Signatures;

internal static class VerifierFactory
{
    public static StripeSignatureVerifier Create(long nowUnixSeconds, int tolerance, params string[] secrets) =>
        new(Options.Create(new StripeOptions { WebhookSecrets = [.. secrets], SignatureToleranceSeconds = tolerance }),
            new ManualClock(DateTimeOffset.FromUnixTimeSeconds(nowUnixSeconds)));
}
