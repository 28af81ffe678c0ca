using System.Globalization;
using System.Security.Cryptography;

namespace StripeWebhooks.Signatures;

/// <summary>Stripe's v1 scheme: lowercase hex HMAC-SHA256, keyed with the whole secret, over <c>"{t}." + body</c>.</summary>
/// <remarks>
/// The verifier's MAC (and the benchmark's, which signs millions of requests up front). Everything else that signs,
/// <c>webhooks send</c> and the tests, uses Stripe.net's <c>EventUtility.GenerateSignatureHeader</c>, so it checks
/// this code against Stripe's.
/// </remarks>
internal static class StripeSignature
{
    /// <summary>Length of a v1 signature in hex characters.</summary>
    public const int HexLength = 64;

    /// <summary>Computes the v1 signature into <paramref name="hexDestination"/> (64 lowercase hex bytes).</summary>
    public static void ComputeV1(ReadOnlySpan<byte> secretUtf8, long timestamp, ReadOnlySpan<byte> body, Span<byte> hexDestination)
    {
        Span<byte> prefix = stackalloc byte[24];
        timestamp.TryFormat(prefix, out var written, default, CultureInfo.InvariantCulture);
        prefix[written++] = (byte)'.';

        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        var hmac = KeyedHmacCache.Take(secretUtf8);
        try
        {
            hmac.AppendData(prefix[..written]);
            hmac.AppendData(body);
            hmac.GetHashAndReset(mac);
        }
        catch
        {
            // Never cache an HMAC that may hold part of a body: the next request's MAC would be wrong.
            hmac.Dispose();
            throw;
        }

        KeyedHmacCache.Return(secretUtf8, hmac);
        Convert.TryToHexStringLower(mac, hexDestination, out _);
    }
}
