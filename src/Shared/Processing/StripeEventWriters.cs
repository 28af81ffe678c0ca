using Npgsql;
using StripeWebhooks.Events;

namespace StripeWebhooks.Processing;

/// <summary>Runs a handler on its own in a transaction someone else commits (a replay runs handlers one by one).</summary>
internal static class StripeEventWriters
{
    /// <summary>
    /// Runs <paramref name="handler"/> in <paramref name="transaction"/>; a writer's statements go in a round trip of their own.
    /// Returns the writer's after-commit work, for the caller to run once it has committed (never when it rolls back), or null.
    /// </summary>
    public static async Task<Action?> RunAsync(IStripeEventHandler handler, StripeEvent stripeEvent, NpgsqlConnection connection,
        NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        if (handler is not IStripeEventWriter writer)
        {
            await handler.HandleAsync(stripeEvent, connection, transaction, cancellationToken);
            return null;
        }

        await using var batch = new NpgsqlBatch(connection, transaction);
        var afterCommit = writer.AddCommands(stripeEvent, batch);
        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        return afterCommit;
    }
}
