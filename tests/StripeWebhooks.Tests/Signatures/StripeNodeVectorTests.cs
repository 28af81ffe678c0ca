using System.Text;
using System.Text.Json;
using StripeWebhooks.Signatures;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Signatures;

/// <summary>
/// Vectors written by Stripe's official Node SDK (tests/vectors; `.ci/run` regenerates them and fails on any
/// difference). Where our verifier is deliberately stricter the vector says so in <c>deliberateDifference</c>.
/// </summary>
public class StripeNodeVectorTests
{
    private static readonly Lazy<Dictionary<string, JsonElement>> Vectors = new(() =>
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(RepositoryRoot.PathOf("tests", "vectors", "stripe-node-vectors.json")));
        return document.RootElement.GetProperty("vectors").EnumerateArray()
            .ToDictionary(v => v.GetProperty("name").GetString()!, v => v.Clone());
    });

    public static TheoryData<string> Names() => [.. Vectors.Value.Keys];

    [Fact]
    public void There_are_at_least_100_vectors_from_the_official_sdk() => Assert.True(Vectors.Value.Count >= 100, $"{Vectors.Value.Count} vectors");

    [Theory]
    [MemberData(nameof(Names))]
    public void Verifier_agrees_with_the_vector(string name)
    {
        var vector = Vectors.Value[name];
        var verifier = VerifierFactory.Create(
            vector.GetProperty("now").GetInt64(),
            vector.GetProperty("tolerance").GetInt32(),
            [.. vector.GetProperty("secrets").EnumerateArray().Select(s => s.GetString()!)]);

        var result = verifier.Verify(vector.GetProperty("header").GetString(), Encoding.UTF8.GetBytes(vector.GetProperty("payload").GetString()!));

        Assert.Equal(vector.GetProperty("expected").GetString(), Code(result.Failure));
        if (vector.TryGetProperty("expectedSecretIndex", out var index))
        {
            Assert.Equal(index.GetInt32(), result.SecretIndex);
        }
    }

    private static string Code(SignatureFailure failure) => failure switch
    {
        SignatureFailure.None => "valid",
        SignatureFailure.MissingSignature => "missing_signature",
        SignatureFailure.MalformedSignature => "malformed_signature",
        SignatureFailure.InvalidSignature => "invalid_signature",
        SignatureFailure.TimestampOutOfTolerance => "timestamp_out_of_tolerance",
        _ => failure.ToString(),
    };
}
