namespace StripeWebhooks.Signatures;

/// <summary>Why a Stripe-Signature header was refused; each maps to one 400 <c>error</c> code.</summary>
internal enum SignatureFailure
{
    None,
    MissingSignature,
    MalformedSignature,
    InvalidSignature,
    TimestampOutOfTolerance,
}
