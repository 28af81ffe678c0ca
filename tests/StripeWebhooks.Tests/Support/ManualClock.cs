namespace StripeWebhooks.Tests.Support;

/// <summary>A clock the test sets; the only fake the tests use for time.</summary>
public sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
