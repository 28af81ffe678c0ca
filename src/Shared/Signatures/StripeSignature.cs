using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace StripeWebhooks.Signatures;

/// <summary>Stripe's v1 scheme: lowercase hex HMAC-SHA256, keyed with the whole secret, over <c>"{t}." + body</c>.</summary>
public static class StripeSignature
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

    /// <summary>Computes the v1 signature as a string (for senders and tests).</summary>
    public static string ComputeV1(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        Span<byte> hex = stackalloc byte[HexLength];
        ComputeV1(Encoding.UTF8.GetBytes(secret), timestamp, body, hex);
        return Encoding.ASCII.GetString(hex);
    }

    /// <summary>Builds a header the way Stripe sends it: <c>t=...,v1=...</c>, one v1 per secret.</summary>
    public static string BuildHeader(long timestamp, ReadOnlySpan<byte> body, params ReadOnlySpan<string> secrets)
    {
        var header = new StringBuilder("t=").Append(timestamp.ToString(CultureInfo.InvariantCulture));
        foreach (var secret in secrets)
        {
            header.Append(",v1=").Append(ComputeV1(secret, timestamp, body));
        }

        return header.ToString();
    }
}
