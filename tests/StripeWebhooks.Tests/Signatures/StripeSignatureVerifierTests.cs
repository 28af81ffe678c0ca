using System.Text;
using StripeWebhooks.Signatures;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Signatures;

public class StripeSignatureVerifierTests
{
    private const long Now = 1_700_000_000;
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"id":"evt_1","type":"x"}""");

    [Fact]
    public void The_index_of_the_matching_secret_is_reported()
    {
        var header = StripeSigner.Header(Now, Body, "whsec_old");
        var result = VerifierFactory.Create(Now, 300, "whsec_new", "whsec_old").Verify(header, Body);
        Assert.True(result.IsValid);
        Assert.Equal(1, result.SecretIndex);
    }

    [Fact]
    public void A_rotation_header_with_both_signatures_matches_the_newest_secret()
    {
        var header = StripeSigner.Header(Now, Body, "whsec_old", "whsec_new");
        var result = VerifierFactory.Create(Now, 300, "whsec_new", "whsec_old").Verify(header, Body);
        Assert.Equal(0, result.SecretIndex);
    }

    // The reason by name: SignatureFailure is internal, and a public test method cannot take it.
    [Theory]
    [InlineData(null, nameof(SignatureFailure.MissingSignature))]
    [InlineData("", nameof(SignatureFailure.MissingSignature))]
    [InlineData("   ", nameof(SignatureFailure.MissingSignature))]
    [InlineData("garbage", nameof(SignatureFailure.MalformedSignature))]
    [InlineData("v1=abc", nameof(SignatureFailure.MalformedSignature))]
    [InlineData("t=1700000000", nameof(SignatureFailure.MalformedSignature))]
    [InlineData("t=-1700000000,v1=00", nameof(SignatureFailure.MalformedSignature))]
    [InlineData("t=1700000000,v0=00", nameof(SignatureFailure.MalformedSignature))]
    [InlineData("t=1700000000,v1=", nameof(SignatureFailure.InvalidSignature))]
    [InlineData("t=1700000000,v1=ünïcödé", nameof(SignatureFailure.InvalidSignature))]
    public void Bad_headers_are_refused_with_the_right_reason(string? header, string expected) =>
        Assert.Equal(expected, VerifierFactory.Create(Now, 300, "whsec_a").Verify(header, Body).Failure.ToString());

    [Fact]
    public void A_signature_in_upper_case_hex_is_not_stripes()
    {
        var header = StripeSigner.Header(Now, Body, "whsec_a").ToUpperInvariant().Replace("T=", "t=", StringComparison.Ordinal).Replace("V1=", "v1=", StringComparison.Ordinal);
        Assert.Equal(SignatureFailure.InvalidSignature, VerifierFactory.Create(Now, 300, "whsec_a").Verify(header, Body).Failure);
    }

    [Fact]
    public void A_changed_byte_invalidates_the_signature()
    {
        var header = StripeSigner.Header(Now, Body, "whsec_a");
        var tampered = (byte[])Body.Clone();
        tampered[^2] ^= 1;
        Assert.Equal(SignatureFailure.InvalidSignature, VerifierFactory.Create(Now, 300, "whsec_a").Verify(header, tampered).Failure);
    }
}
