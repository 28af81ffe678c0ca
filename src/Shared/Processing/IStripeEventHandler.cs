using Npgsql;
using StripeWebhooks.Events;

namespace StripeWebhooks.Processing;

/// <summary>A side effect of a Stripe event, run at most once per event id inside the claim's transaction.</summary>
/// <remarks>
/// All writes must go through <c>connection</c> and <c>transaction</c>: that is what makes them commit
/// together with the claim, or roll back with it when anything throws.
/// </remarks>
public interface IStripeEventHandler
{
    /// <summary>The event types (e.g. <c>customer.subscription.updated</c>) this handler runs for.</summary>
    IReadOnlyCollection<string> EventTypes { get; }

    /// <summary>Applies the event. Throw to roll everything back and have Stripe retry.</summary>
    Task HandleAsync(StripeEvent stripeEvent, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken);
}
