using System.Globalization;
using System.Text;
using Stripe;
using StripeWebhooks.Tests.Support;
using Xunit.Abstractions;

namespace StripeWebhooks.Tests.Signatures;

/// <summary>
/// Stripe.net as a second, in-process oracle: over seeded random vectors our verifier accepts a request exactly
/// when <see cref="EventUtility.ValidateSignature(string, string, string, long, long)"/> accepts it for one of the
/// configured secrets. (stripe-node's vectors, in <see cref="StripeNodeVectorTests"/>, stay the first oracle.)
/// </summary>
/// <remarks>
/// The two agree on every header shape Stripe sends. They differ only on these shapes, which Stripe never sends;
/// vectors of these shapes are checked for one thing only, that neither side accepts an unsigned request, and each
/// has its own test below (<see cref="Listed_shape_is_never_accepted_unsigned_by_either_side"/>):
///
///   1. whitespace    Whitespace around an item or around the header (<c>t=1, v1=...</c>): Stripe.net trims each
///                    item; we (like stripe-node) read items as written, so <c> v1</c> is not <c>v1</c>.
///   2. t-form        A <c>t</c> that is a number but not in plain canonical form (leading zeros, a sign, spaces):
///                    Stripe.net signs the text as written (<c>"0017...." + body</c>); we read plain digits only and
///                    sign the number's canonical form.
///   3. two-t         More than one <c>t</c>: Stripe.net uses the first, we (like stripe-node) the last.
///   4. no-equals     An item without <c>=</c> (an empty item too, e.g. a trailing comma): Stripe.net refuses the
///                    whole header; we (like stripe-node) skip the item.
///   5. not-utf8      A body that is not UTF-8: Stripe.net takes a string, so such a body cannot reach it byte for
///                    byte (and our envelope parser refuses it after the signature: <c>malformed_event</c>).
///
/// Not a header shape, and outside these vectors (their clock is 2026): from 2038-01-19 Stripe.net throws on every
/// genuine timestamp (<c>Convert.ToInt32</c>), while we accept it; see
/// <see cref="After_2038_Stripe_net_overflows_on_a_genuine_timestamp_that_we_accept"/>.
/// </remarks>
public partial class StripeNetDifferentialTests(ITestOutputHelper output)
{
    private const int Vectors = 40_000;
    private const int Seed = 12_2026;
    private const long Now = 1_780_000_000;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>One request: what was sent, what the receiver is configured with, and what the generator knows of it.</summary>
    private sealed record Vector(string Header, byte[] Body, string[] Secrets, int Tolerance, long Offset);

    [Fact]
    public void Our_verifier_and_Stripe_net_agree_on_every_vector_of_a_shape_Stripe_sends()
    {
        var random = new Random(Seed);
        var agreed = 0;
        var accepted = 0;
        var listed = new Dictionary<string, int>();
        var disagreements = new List<string>();
        var coverage = new Dictionary<string, int>();
        void Count(string what) => coverage[what] = coverage.GetValueOrDefault(what) + 1;

        for (var i = 0; i < Vectors; i++)
        {
            var vector = Generate(random);
            var ours = OursAccepts(vector);
            var stripeNet = StripeNetAccepts(vector);
            if (ListedShape(vector) is { } shape)
            {
                listed[shape] = listed.GetValueOrDefault(shape) + 1;
                if (!IsSigned(vector) && (ours || stripeNet))
                {
                    disagreements.Add($"#{i} unsigned {shape} accepted (ours {ours}, Stripe.net {stripeNet}): {vector.Header}");
                }

                continue;
            }

            if (ours != stripeNet)
            {
                disagreements.Add($"#{i} ours {ours}, Stripe.net {stripeNet}, tolerance {vector.Tolerance}, offset {vector.Offset}, "
                    + $"{vector.Secrets.Length} secret(s): {vector.Header}");
                continue;
            }

            agreed++;
            accepted += ours ? 1 : 0;
            var edge = Math.Abs(vector.Offset) - vector.Tolerance;
            if (IsSigned(vector) && edge is 0 or 1)
            {
                Count($"{(ours ? "accepted" : "refused")} at {(vector.Offset < 0 ? "-" : "+")}(tolerance{(edge == 0 ? "" : "+1")})");
            }

            if (ours && vector.Secrets.Length == 2)
            {
                Count("accepted with two secrets configured");
            }

            if (ours && vector.Secrets.Any(s => !Ascii.IsValid(s)) && !Ascii.IsValid(vector.Body))
            {
                Count("accepted with a non-ASCII secret and body");
            }
        }

        output.WriteLine($"{Vectors} vectors (seed {Seed}): {agreed} compared and agreed ({accepted} accepted), listed shapes: "
            + string.Join(", ", listed.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value}")));
        output.WriteLine(string.Join(Environment.NewLine, coverage.OrderBy(p => p.Key).Select(p => $"  {p.Key}: {p.Value}")));
        Assert.True(disagreements.Count == 0, string.Join(Environment.NewLine, disagreements.Take(20)));
        Assert.True(agreed >= 20_000, $"only {agreed} vectors were compared");
        Assert.InRange(accepted, agreed / 20, agreed - (agreed / 20));
        string[] mustCover =
        [
            "accepted at -(tolerance)", "accepted at +(tolerance)", "refused at -(tolerance+1)", "refused at +(tolerance+1)",
            "accepted with two secrets configured", "accepted with a non-ASCII secret and body",
        ];
        Assert.All(mustCover, what => Assert.True(coverage.GetValueOrDefault(what) > 0, $"no vector: {what}"));
        Assert.Equal(4, listed.Count);
    }

    /// <summary>The listed shapes, in the order of the class remarks; the random vectors never make the last (their bodies are UTF-8).</summary>
    private static readonly string[] Shapes = ["whitespace", "t-form", "two-t", "no-equals", "not-utf8"];

    public static TheoryData<string> ListedShapes => [.. Shapes];

    [Theory]
    [MemberData(nameof(ListedShapes))]
    public void Listed_shape_is_never_accepted_unsigned_by_either_side(string shape)
    {
        var random = new Random(Seed + shape.Length);
        for (var i = 0; i < 500; i++)
        {
            var secret = Secret(random);
            var body = shape == "not-utf8" ? NotUtf8Body(random) : Encoding.UTF8.GetBytes(Body(random));
            var t = Now + random.Next(-300, 301);
            // Unsigned: a random v1, or one made with a secret the receiver does not have.
            var v1 = random.Next(2) == 0 ? RandomHex(random, 64) : StripeSigner.V1(Secret(random), t, body);
            var vector = new Vector(Shaped(shape, t, v1, random), body, [secret], 300, t - Now);

            Assert.Equal(shape, ListedShape(vector));
            Assert.False(OursAccepts(vector), vector.Header);
            Assert.False(StripeNetAccepts(vector), vector.Header);
        }
    }

    /// <summary>Pins each listed difference, so a change in Stripe.net (or in us) shows up here and the list is revised.</summary>
    [Theory]
    [InlineData("whitespace", false, true)]
    [InlineData("t-form", true, false)]
    [InlineData("two-t", false, true)]
    [InlineData("no-equals", true, false)]
    [InlineData("not-utf8", true, false)]
    public void Listed_shape_signed_with_the_secret_is_where_the_two_differ(string shape, bool oursAccepts, bool stripeNetAccepts)
    {
        const string secret = "whsec_listed_shapes";
        var random = new Random(Seed);
        var body = shape == "not-utf8" ? NotUtf8Body(random) : Encoding.UTF8.GetBytes(Body(random));
        var vector = new Vector(Shaped(shape, Now, StripeSigner.V1(secret, Now, body), random), body, [secret], 300, 0);

        Assert.Equal((oursAccepts, stripeNetAccepts), (OursAccepts(vector), StripeNetAccepts(vector)));
    }

    [Fact]
    public void After_2038_Stripe_net_overflows_on_a_genuine_timestamp_that_we_accept()
    {
        const long after2038 = 2_200_000_000;
        var body = Encoding.UTF8.GetBytes("""{"id":"evt_2040","type":"invoice.paid"}""");
        var header = StripeSigner.Header(after2038, body, "whsec_future");

        Assert.True(VerifierFactory.Create(after2038, 300, "whsec_future").Verify(header, body).IsValid);
        Assert.Throws<OverflowException>(() => EventUtility.ValidateSignature(Encoding.UTF8.GetString(body), header, "whsec_future", 300, after2038));
    }

    private static bool OursAccepts(Vector vector) =>
        VerifierFactory.Create(Now, vector.Tolerance, vector.Secrets).Verify(vector.Header, vector.Body).IsValid;

    /// <summary>Stripe.net checks one secret per call: a request is accepted when any configured secret passes.</summary>
    private static bool StripeNetAccepts(Vector vector)
    {
        // Stripe.net takes a string; a body that is not UTF-8 reaches it as its lossy decoding (listed shape 5).
        var json = Encoding.UTF8.GetString(vector.Body);
        foreach (var secret in vector.Secrets)
        {
            try
            {
                EventUtility.ValidateSignature(json, vector.Header, secret, vector.Tolerance, Now);
                return true;
            }
            catch (Exception ex) when (ex is StripeException or FormatException or OverflowException)
            {
                // Refused. Any other exception is a surprise worth failing the test for.
            }
        }

        return false;
    }

    /// <summary>
    /// Whether the header carries a v1 that a configured secret made over the body and one of the header's <c>t</c>
    /// values, as written or in canonical form: computed here, by neither verifier.
    /// </summary>
    private static bool IsSigned(Vector vector)
    {
        var items = vector.Header.Split(',').Select(item => item.Trim().Split('=', 2)).Where(kv => kv.Length == 2).ToList();
        var timestamps = items.Where(kv => kv[0] == "t").Select(kv => kv[1].Trim())
            .SelectMany(t => long.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? [t, n.ToString(CultureInfo.InvariantCulture)] : new[] { t })
            .Distinct().ToList();
        var signatures = items.Where(kv => kv[0] == "v1").Select(kv => kv[1].Trim()).ToHashSet(StringComparer.Ordinal);
        return vector.Secrets.Any(secret => timestamps.Any(t =>
            signatures.Contains(StripeSigner.ReferenceV1(secret, t, vector.Body))));
    }

    /// <summary>Which listed shape (see the class remarks) the vector has, or null for a shape the two must agree on.</summary>
    private static string? ListedShape(Vector vector)
    {
        if (!IsUtf8(vector.Body))
        {
            return "not-utf8";
        }

        var items = vector.Header.Split(',');
        if (vector.Header != vector.Header.Trim() || items.Any(item => item != item.Trim()))
        {
            return "whitespace";
        }

        if (items.Any(item => !item.Contains('=', StringComparison.Ordinal)))
        {
            return "no-equals";
        }

        var timestamps = items.Select(item => item.Split('=', 2)).Where(kv => kv[0] == "t").Select(kv => kv[1]).ToList();
        if (timestamps.Count > 1)
        {
            return "two-t";
        }

        return timestamps.Any(t => long.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && t != n.ToString(CultureInfo.InvariantCulture))
            ? "t-form"
            : null;
    }
}
