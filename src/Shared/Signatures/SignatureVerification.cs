namespace StripeWebhooks.Signatures;

/// <summary>Outcome of verifying one request.</summary>
/// <param name="Failure"><see cref="SignatureFailure.None"/> when the request is authentic.</param>
/// <param name="SecretIndex">Index of the configured secret that matched, or -1.</param>
/// <param name="Timestamp">The header's <c>t</c> (unix seconds), or 0 when it had none.</param>
internal readonly record struct SignatureVerification(SignatureFailure Failure, int SecretIndex, long Timestamp)
{
    public bool IsValid => Failure == SignatureFailure.None;

    public static SignatureVerification Fail(SignatureFailure failure, long timestamp = 0) => new(failure, -1, timestamp);
}
