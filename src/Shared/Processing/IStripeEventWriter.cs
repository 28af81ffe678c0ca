using Npgsql;
using StripeWebhooks.Events;

namespace StripeWebhooks.Processing;

/// <summary>
/// A handler whose side effects are writes it can state before any of them runs (no result it must act on).
/// The processor sends them in the same round trip as the COMMIT instead of one round trip of their own.
/// </summary>
/// <remarks>
/// Statements keep their order: the processor sends pending writes before it runs a handler that is not a writer.
/// A statement that fails aborts the COMMIT behind it, and the processor handles the failure as if the handler threw.
/// </remarks>
internal interface IStripeEventWriter
{
    /// <summary>
    /// Adds the event's statements to <paramref name="batch"/>; throw to fail the event before anything is sent.
    /// Returns what to do once they have run and committed (say, log what they changed), or null.
    /// </summary>
    Action? AddCommands(StripeEvent stripeEvent, NpgsqlBatch batch);
}
