namespace StripeWebhooks.Bench;

/// <summary>One answered delivery: when it was sent, how long the answer took, and what the answer was.</summary>
internal readonly record struct Sample(long StartTicks, long ElapsedTicks, int Status, bool Duplicate, bool Redelivery);
