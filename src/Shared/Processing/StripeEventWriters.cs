using Npgsql;
using StripeWebhooks.Events;

namespace StripeWebhooks.Processing;

/// <summary>Runs an <see cref="IStripeEventWriter"/> as a plain handler (what its <c>HandleAsync</c> does).</summary>
internal static class StripeEventWriters
{
    /// <summary>Sends what <paramref name="writer"/> adds in a round trip of its own (a replay calls handlers one by one).</summary>
    public static async Task RunAsync(IStripeEventWriter writer, StripeEvent stripeEvent, NpgsqlConnection connection,
        NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        var completed = writer.AddCommands(stripeEvent, batch);
        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        completed?.Invoke();
    }
}
