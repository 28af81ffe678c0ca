using System.Security.Cryptography;

namespace StripeWebhooks.Signatures;

/// <summary>HMAC-SHA256 instances already keyed with a secret, a few per thread, reused from one request to the next.</summary>
/// <remarks>
/// Creating and keying an HMAC for every request (managed wrappers, a native context, the key's two hash blocks)
/// allocated each time and cost a sizeable share of the MAC itself (bench/README.md, "Figures from code comments"). After
/// <see cref="IncrementalHash.GetHashAndReset(Span{byte})"/> an instance is back in its keyed initial state, ready
/// for the next body. Per thread, because an instance is not thread-safe; a few secrets per thread, because an
/// endpoint has one, or two while its secret is rolled.
/// </remarks>
internal static class KeyedHmacCache
{
    private const int SecretsPerThread = 4;

    [ThreadStatic]
    private static Entry[]? t_entries;

    /// <summary>
    /// An HMAC keyed with <paramref name="key"/>, in its initial state and out of the cache: hand it back with
    /// <see cref="Return"/> once its hash is read and it is reset, or dispose it.
    /// </summary>
    public static IncrementalHash Take(ReadOnlySpan<byte> key)
    {
        foreach (ref var entry in t_entries.AsSpan())
        {
            if (entry.Hmac is { } hmac && key.SequenceEqual(entry.Key))
            {
                entry.Hmac = null;
                return hmac;
            }
        }

        return IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
    }

    /// <summary>Puts back an HMAC <see cref="Take"/> gave for <paramref name="key"/>; disposes it when the thread has no room.</summary>
    public static void Return(ReadOnlySpan<byte> key, IncrementalHash hmac)
    {
        var entries = t_entries ??= new Entry[SecretsPerThread];
        foreach (ref var entry in entries.AsSpan())
        {
            if (entry.Hmac is null && (entry.Key is null || key.SequenceEqual(entry.Key)))
            {
                entry.Key ??= key.ToArray();
                entry.Hmac = hmac;
                return;
            }
        }

        hmac.Dispose();
    }

    private struct Entry
    {
        public byte[]? Key;
        public IncrementalHash? Hmac;
    }
}
