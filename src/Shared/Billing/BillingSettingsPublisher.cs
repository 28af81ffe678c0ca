using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace StripeWebhooks.Billing;

/// <summary>
/// Writes <c>Billing__DefaultTier</c> into <c>billing_settings</c> when the host starts, because the
/// <c>entitlements</c> view (read by applications on their own connections) cannot see configuration.
/// </summary>
/// <remarks>
/// Start-up waits for the first attempt, briefly: a database that is down or not migrated yet must not stop
/// the host (the health endpoint reports it), so later attempts run in the background until one succeeds.
/// Until then the view uses the tier stored last (initially <c>free</c>).
/// </remarks>
internal sealed partial class BillingSettingsPublisher(
    IServiceProvider services,
    IOptions<BillingOptions> options,
    ILogger<BillingSettingsPublisher> logger) : IHostedService, IDisposable
{
    private static readonly TimeSpan FirstAttemptTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stopping = new();

    // Resolved on first use, not at construction: the host builds hosted services before it validates
    // options, and a malformed connection string must be reported by validation, naming its key.
    private NpgsqlDataSource DataSource => services.GetRequiredService<NpgsqlDataSource>();
    private Task _retries = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var firstAttempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        firstAttempt.CancelAfter(FirstAttemptTimeout);
        if (!await TryPublishAsync(firstAttempt.Token))
        {
            cancellationToken.ThrowIfCancellationRequested();
            _retries = RetryAsync(_stopping.Token);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _retries.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose() => _stopping.Dispose();

    private async Task RetryAsync(CancellationToken stoppingToken)
    {
        try
        {
            do
            {
                await Task.Delay(RetryInterval, stoppingToken);
            }
            while (!await TryPublishAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host stopping.
        }
    }

    private async Task<bool> TryPublishAsync(CancellationToken cancellationToken)
    {
        try
        {
            await EntitlementStore.PublishDefaultTierAsync(DataSource, options.Value.DefaultTier, cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException or InvalidOperationException)
        {
            LogNotPublished(logger, ex, RetryInterval.TotalSeconds);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store Billing__DefaultTier in billing_settings (database down or not migrated?); retrying every {Seconds} s")]
    private static partial void LogNotPublished(ILogger logger, Exception exception, double seconds);
}
