using Npgsql;
using StripeWebhooks.Events;

namespace StripeWebhooks.Processing;

/// <summary>Runs a handler alone in a transaction its caller commits (a replay runs handlers one by one).</summary>
internal static class StripeEventWriters
{
    /// <summary>Runs <paramref name="handler"/>; returns a writer's after-commit work, to run only once the caller committed.</summary>
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
