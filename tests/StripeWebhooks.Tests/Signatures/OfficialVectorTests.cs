using StripeWebhooks.Signatures;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Signatures;

/// <summary>Stripe's own published vector (stripe-dotnet's event_test_signature.json, copied byte for byte).</summary>
public class OfficialVectorTests
{
    private const long Timestamp = 1533204620;
    private const string Header = "t=1533204620,v1=2220f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c7";

    private static readonly byte[] Body = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Signatures", "event_test_signature.json"));

    [Fact]
    public void Fixture_is_the_exact_484_bytes_stripe_signed() => Assert.Equal(484, Body.Length);

    [Fact]
    public void Official_vector_verifies_at_its_timestamp()
    {
        var result = VerifierFactory.Create(Timestamp, 300, "webhook_secret").Verify(Header, Body);
        Assert.Equal(SignatureFailure.None, result.Failure);
        Assert.Equal(0, result.SecretIndex);
    }

    // The reason by name: SignatureFailure is internal, and a public test method cannot take it.
    [Theory]
    [InlineData(-300, nameof(SignatureFailure.None))]
    [InlineData(300, nameof(SignatureFailure.None))]
    [InlineData(-301, nameof(SignatureFailure.TimestampOutOfTolerance))]
    [InlineData(301, nameof(SignatureFailure.TimestampOutOfTolerance))]
    public void Official_vector_obeys_the_tolerance_both_ways(int offset, string expected) =>
        Assert.Equal(expected, VerifierFactory.Create(Timestamp + offset, 300, "webhook_secret").Verify(Header, Body).Failure.ToString());

    [Fact]
    public void Stripe_nets_signer_used_by_the_tests_and_send_reproduces_the_official_signature() =>
        Assert.Equal(Header, StripeSigner.Header(Timestamp, Body, "webhook_secret"));
}
