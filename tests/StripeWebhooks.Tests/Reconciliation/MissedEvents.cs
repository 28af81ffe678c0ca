using System.Text.Json.Nodes;
using StripeWebhooks.Tests.Billing;

namespace StripeWebhooks.Tests.Reconciliation;

/// <summary>Stripe-shaped billing histories, one per user, in both API shapes (even users basil, odd users the legacy shape).</summary>
public static class MissedEvents
{
    /// <summary>
    /// Five events per user, a second apart, users ten minutes apart from <paramref name="start"/>: the checkout that
    /// links them, the subscription created, the first invoice paid, then a change (cancel at period end, or past due
    /// after a failed payment), oldest first.
    /// </summary>
    public static List<JsonObject> Histories(int users, DateTimeOffset start, string prefix = "evt_rc")
    {
        var events = new List<JsonObject>();
        for (var u = 0; u < users; u++)
        {
            var t = start.ToUnixTimeSeconds() + (u * 600L);
            var shape = u % 2 == 0 ? BillingEvents.Basil : BillingEvents.Legacy;
            var (sub, cus, user) = ($"sub_{prefix}_{u}", $"cus_{prefix}_{u}", $"user_{prefix}_{u}");
            var id = $"{prefix}_{u}_";
            events.Add(BillingEvents.CheckoutCompleted(id + "1", t, shape, sub, cus, clientReferenceId: user));
            events.Add(BillingEvents.Subscription("customer.subscription.created", id + "2", t + 1, shape, sub, cus, status: "incomplete"));
            events.Add(BillingEvents.Invoice("invoice.paid", id + "3", t + 2, shape, sub, cus));
            events.Add(u % 3 == 0
                ? BillingEvents.Invoice("invoice.payment_failed", id + "4", t + 3, shape, sub, cus)
                : BillingEvents.Subscription("customer.subscription.updated", id + "4", t + 3, shape, sub, cus, status: "active"));
            events.Add(u % 3 == 0
                ? BillingEvents.Subscription("customer.subscription.updated", id + "5", t + 4, shape, sub, cus, status: "past_due")
                : BillingEvents.Subscription("customer.subscription.updated", id + "5", t + 4, shape, sub, cus, status: "active", cancelAtPeriodEnd: u % 2 == 1));
        }

        return events;
    }
}
