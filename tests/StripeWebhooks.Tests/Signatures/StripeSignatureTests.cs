using System.Globalization;
using System.Text;
using StripeWebhooks.Signatures;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Signatures;

/// <summary>The verifier's MAC reuses keyed HMACs per thread: each signature must still be the MAC of its own secret and body alone.</summary>
public class StripeSignatureTests
{
    private const long Now = 1_700_000_000;

    [Fact]
    public void Interleaved_secrets_each_sign_with_their_own_key_also_beyond_what_a_thread_keeps()
    {
        var secrets = Enumerable.Range(0, 6).Select(i => "whsec_interleaved_" + i).ToArray();

        for (var round = 0; round < 3; round++)
        {
            foreach (var secret in secrets.Concat(secrets.Reverse()))
            {
                var body = Encoding.UTF8.GetBytes($$"""{"id":"evt_{{round}}","secret":"{{secret}}"}""");
                Assert.Equal(Reference(secret, Now + round, body), Ours(secret, Now + round, body));
            }
        }
    }

    [Fact]
    public void Signing_on_many_threads_at_once_gives_every_body_its_own_signature()
    {
        string[] secrets = ["whsec_thread_a", "whsec_thread_b", "whsec_thread_c"];

        var mismatches = 0;
        Parallel.For(0, 3_000, i =>
        {
            var secret = secrets[i % secrets.Length];
            var body = Encoding.UTF8.GetBytes(new string('x', i % 700) + i);
            if (Ours(secret, Now + i, body) != Reference(secret, Now + i, body))
            {
                Interlocked.Increment(ref mismatches);
            }
        });

        Assert.Equal(0, mismatches);
    }

    private static string Ours(string secret, long timestamp, byte[] body)
    {
        Span<byte> hex = stackalloc byte[StripeSignature.HexLength];
        StripeSignature.ComputeV1(Encoding.UTF8.GetBytes(secret), timestamp, body, hex);
        return Encoding.ASCII.GetString(hex);
    }

    private static string Reference(string secret, long timestamp, byte[] body) =>
        StripeSigner.ReferenceV1(secret, timestamp.ToString(CultureInfo.InvariantCulture), body);
}
