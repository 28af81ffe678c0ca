using Microsoft.AspNetCore.Http;
using Npgsql;

namespace StripeWebhooks.Http;

/// <summary><c>GET /api/health</c>: 200 when Postgres answers, 503 when it does not.</summary>
internal sealed class HealthEndpoint(NpgsqlDataSource dataSource)
{
    /// <summary>Runs <c>SELECT 1</c> with a short timeout.</summary>
    public async Task<IResult> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(timeout.Token);
            return WebhookResponses.Health(healthy: true);
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException or InvalidOperationException
                                   && !cancellationToken.IsCancellationRequested)
        {
            return WebhookResponses.Health(healthy: false);
        }
    }
}
