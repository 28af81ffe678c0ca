using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace StripeWebhooks.Signatures;

/// <summary>Verifies a <c>Stripe-Signature</c> header against the raw request body and every configured secret.</summary>
/// <remarks>
/// Implements Stripe's documented scheme over the raw bytes rather than calling Stripe.net's verifier, which
/// takes a string and one secret, throws to reject, allocates per call and overflows after 2038-01-19. Tests
/// hold it to vectors made by Stripe's official Node SDK and, in process, to Stripe.net's
/// <c>EventUtility.ValidateSignature</c>. Order of checks follows Stripe: header shape, then signature, then
/// timestamp, so an unsigned request never learns about the clock. Timestamps too far in the future are
/// refused as well as old ones, as Stripe.net does (stripe-node refuses only old ones).
/// </remarks>
internal sealed class StripeSignatureVerifier
{
    private readonly byte[][] _secrets;
    private readonly long _toleranceSeconds;
    private readonly TimeProvider _clock;

    public StripeSignatureVerifier(IOptions<StripeOptions> options, TimeProvider clock)
    {
        _secrets = [.. options.Value.WebhookSecrets.Select(Encoding.UTF8.GetBytes)];
        _toleranceSeconds = options.Value.SignatureToleranceSeconds;
        _clock = clock;
    }

    /// <summary>Verifies <paramref name="header"/> over <paramref name="body"/>, the exact bytes received.</summary>
    public SignatureVerification Verify(ReadOnlySpan<char> header, ReadOnlySpan<byte> body)
    {
        if (header.IsWhiteSpace())
        {
            return SignatureVerification.Fail(SignatureFailure.MissingSignature);
        }

        if (!TryReadTimestamp(header, out var timestamp) || !HasV1(header))
        {
            return SignatureVerification.Fail(SignatureFailure.MalformedSignature);
        }

        var matched = FindMatchingSecret(header, timestamp, body);
        if (matched < 0)
        {
            return SignatureVerification.Fail(SignatureFailure.InvalidSignature, timestamp);
        }

        var now = _clock.GetUtcNow().ToUnixTimeSeconds();
        if (Math.Abs(now - timestamp) > _toleranceSeconds)
        {
            return SignatureVerification.Fail(SignatureFailure.TimestampOutOfTolerance, timestamp);
        }

        return new SignatureVerification(SignatureFailure.None, matched, timestamp);
    }

    private int FindMatchingSecret(ReadOnlySpan<char> header, long timestamp, ReadOnlySpan<byte> body)
    {
        Span<byte> expected = stackalloc byte[StripeSignature.HexLength];
        Span<byte> candidate = stackalloc byte[StripeSignature.HexLength];
        for (var i = 0; i < _secrets.Length; i++)
        {
            StripeSignature.ComputeV1(_secrets[i], timestamp, body, expected);
            foreach (var range in header.Split(','))
            {
                if (!TrySplitItem(header[range], out var key, out var value) || !key.SequenceEqual("v1")
                    || value.Length != StripeSignature.HexLength)
                {
                    continue;
                }

                // Narrow to bytes; a non-ASCII character cannot match a hex digit, so it simply fails.
                for (var c = 0; c < value.Length; c++)
                {
                    candidate[c] = value[c] < 128 ? (byte)value[c] : (byte)0;
                }

                if (CryptographicOperations.FixedTimeEquals(expected, candidate))
                {
                    return i;
                }
            }
        }

        return -1;
    }

    private static bool TryReadTimestamp(ReadOnlySpan<char> header, out long timestamp)
    {
        timestamp = 0;
        var found = false;
        foreach (var range in header.Split(','))
        {
            if (TrySplitItem(header[range], out var key, out var value) && key.SequenceEqual("t"))
            {
                // Digits only: no sign, no spaces, no exponent.
                if (value.IsEmpty || value.Length > 18 || value.ContainsAnyExceptInRange('0', '9'))
                {
                    return false;
                }

                timestamp = long.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
                found = true;
            }
        }

        return found;
    }

    private static bool HasV1(ReadOnlySpan<char> header)
    {
        foreach (var range in header.Split(','))
        {
            if (TrySplitItem(header[range], out var key, out _) && key.SequenceEqual("v1"))
            {
                return true;
            }
        }

        return false;
    }

    private static bool TrySplitItem(ReadOnlySpan<char> item, out ReadOnlySpan<char> key, out ReadOnlySpan<char> value)
    {
        var equals = item.IndexOf('=');
        if (equals <= 0)
        {
            key = value = default;
            return false;
        }

        key = item[..equals];
        value = item[(equals + 1)..];
        return true;
    }
}
