using Npgsql;

namespace StripeWebhooks.Persistence;

/// <summary>The claim's statements in a batch (<see cref="EventClaimStore.AddClaim"/>), to read once it has run.</summary>
/// <param name="Claim">The claim INSERT: one row affected when this delivery claimed the event.</param>
/// <param name="Savepoint">The savepoint handlers roll back to (null when none follow): a statement after it failed is a handler's.</param>
/// <param name="Purges">Whether the batch also purges expired claims (its result comes second).</param>
internal readonly record struct ClaimStatements(NpgsqlBatchCommand Claim, NpgsqlBatchCommand? Savepoint, bool Purges);
