using Npgsql;
using StripeWebhooks.Events;
using StripeWebhooks.Persistence;

namespace StripeWebhooks.Processing;

/// <summary>
/// A handler whose side effects are writes it can state before any of them runs (no result it must act on).
/// The processor sends them in a round trip it makes anyway: when every handler of a type is a writer, in the
/// claim's own batch (BEGIN, claim, writes, COMMIT: one round trip per delivery); otherwise just before the next
/// handler that is not a writer runs, or with the COMMIT.
/// </summary>
/// <remarks>
/// The rules of the claim's batch are <see cref="WriterRoundTrip"/>'s: above all, each statement runs whether or not the
/// claim succeeded, so it must change nothing unless this transaction claimed the event
/// (<see cref="EventClaimStore.ClaimedByThisTransaction"/>). A setting its statements change is transaction-local and
/// must not change how later statements run (the entitlement writers' mark, <c>EntitlementAnnouncements.MarkChanged</c>).
/// </remarks>
internal interface IStripeEventWriter
{
    /// <summary>
    /// Adds the event's statements to <paramref name="batch"/>; throw to fail the event before anything is sent.
    /// Returns what to do once they have run and committed (say, log what they changed), or null.
    /// </summary>
    Action? AddCommands(StripeEvent stripeEvent, NpgsqlBatch batch);
}
