namespace StripeWebhooks.Persistence;

/// <summary>Where the claim batch stands in its transaction.</summary>
internal enum ClaimScope
{
    /// <summary>No handler follows: the batch commits on its own, as one implicit transaction (no savepoint).</summary>
    Alone,

    /// <summary>Handlers follow in the caller's <c>NpgsqlTransaction</c>.</summary>
    InTransaction,

    /// <summary>Handlers follow; the batch opens the transaction itself, with BEGIN as its first statement.</summary>
    BeginsTransaction,
}
