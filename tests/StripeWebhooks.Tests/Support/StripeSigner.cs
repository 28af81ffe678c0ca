using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Stripe;

namespace StripeWebhooks.Tests.Support;

/// <summary>
/// Signs test requests with Stripe.net's own code (<see cref="EventUtility.GenerateSignatureHeader"/>), so every test
/// that posts a signed request also checks our verifier against Stripe's signer.
/// </summary>
public static class StripeSigner
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The header Stripe sends for <paramref name="body"/> at <paramref name="timestamp"/>: one v1 per secret, in order.</summary>
    /// <remarks>
    /// Stripe.net signs a string. A body that is not UTF-8 (which Stripe never sends; hostile-input tests do) has no
    /// string form with the same bytes, so it is signed with a one-shot HMAC-SHA256 over the exact bytes instead.
    /// </remarks>
    public static string Header(long timestamp, byte[] body, params string[] secrets)
    {
        var t = timestamp.ToString(CultureInfo.InvariantCulture);
        string payload;
        try
        {
            payload = StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return "t=" + t + string.Concat(secrets.Select(secret => ",v1=" + ReferenceV1(secret, t, body)));
        }

        var header = new StringBuilder(EventUtility.GenerateSignatureHeader(payload, secrets[0], timestamp));
        foreach (var secret in secrets.Skip(1))
        {
            header.Append(",v1=").Append(EventUtility.ComputeSignature(secret, t, payload));
        }

        return header.ToString();
    }

    /// <summary>The v1 signature alone (Stripe.net's <see cref="EventUtility.ComputeSignature"/>, or raw bytes as above).</summary>
    public static string V1(string secret, long timestamp, byte[] body)
    {
        var header = Header(timestamp, body, secret);
        return header[(header.IndexOf(",v1=", StringComparison.Ordinal) + 4)..];
    }

    /// <summary>
    /// The v1 signature from scratch, by neither verifier: one-shot HMAC-SHA256 keyed with the UTF-8 secret over
    /// <c>"{timestamp}." + body</c>, the exact bytes, with <paramref name="timestamp"/> as written.
    /// </summary>
    public static string ReferenceV1(string secret, string timestamp, byte[] body)
    {
        byte[] signedPayload = [.. Encoding.UTF8.GetBytes(timestamp + "."), .. body];
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signedPayload));
    }
}
