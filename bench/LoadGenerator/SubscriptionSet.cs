namespace StripeWebhooks.Bench;

/// <summary>
/// The subscriptions a phase's subscription events name (numbers <paramref name="First"/> to
/// <paramref name="First"/> + <paramref name="Count"/> - 1), and the share of those events that carry
/// <see cref="DeliveryPlan.SecondPriceId"/> instead of <see cref="DeliveryPlan.PriceId"/>.
/// </summary>
/// <remarks>
/// With a share of 0.5, each subscription event has an even chance of naming the other tier than the one before it:
/// about half of them change the tier. Phases with and without changes use disjoint sets, so a subscription left on
/// the second tier never makes a phase "without changes" change it back.
/// </remarks>
internal sealed record SubscriptionSet(int First, int Count, double SecondPriceShare);
