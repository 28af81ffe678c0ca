using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using StripeWebhooks.Events;
using StripeWebhooks.Processing;

namespace StripeWebhooks.Reconciliation;

/// <summary>
/// Applies the events Stripe never delivered: lists them from the Events API and puts every one without a claim
/// through <see cref="StripeEventProcessor"/>, exactly as a delivery (one transaction, claim plus handlers).
/// </summary>
/// <remarks>
/// A live delivery racing a run is harmless: whichever claims the event first applies it, the other finds the claim.
/// Events are applied oldest first, so the ordering guards see them in the order they happened.
/// </remarks>
internal sealed partial class StripeEventReconciler(
    StripeEventProcessor processor,
    ReconcileRunStore runs,
    IEnumerable<IStripeEventHandler> handlers,
    IOptions<StripeApiOptions> stripe,
    IOptions<ReconcileOptions> options,
    IOptions<WebhookOptions> webhooks,
    ReconcileMetrics metrics,
    ILogger<StripeEventReconciler> logger)
{
    /// <summary>Stripe accepts at most 20 <c>types[]</c> per request.</summary>
    public const int TypesPerRequest = 20;

    /// <summary>Why nothing runs without a key: one line, naming the setting.</summary>
    public const string OffMessage = "reconciliation is off: Stripe__ApiKey is not set (a restricted key with \"Events: read\"; see docs/reconciliation.md)";

    private readonly StripeEventsApi _api = new(stripe);

    /// <summary>True when <c>Stripe__ApiKey</c> is set.</summary>
    public bool Enabled => stripe.Value.ReconciliationEnabled;

    /// <summary>The types some handler reads, in requests of at most <see cref="TypesPerRequest"/>.</summary>
    public IReadOnlyList<string[]> TypeChunks() =>
        [.. handlers.SelectMany(h => h.EventTypes).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Chunk(TypesPerRequest)];

    /// <summary>Runs once: from the last successful run's end minus the overlap (or <paramref name="since"/> ago) to a minute ago.</summary>
    /// <param name="since">How far back to start instead of the cursor; the caller has checked it against <see cref="ReconcileWindow.Reach"/>.</param>
    /// <param name="dryRun">List and report the unclaimed events; apply and record nothing.</param>
    /// <param name="progress">The counts so far, after each page.</param>
    /// <param name="cancellationToken">Stops the run; it is recorded as failed.</param>
    /// <exception cref="InvalidOperationException">Reconciliation is off (<see cref="Enabled"/> is false).</exception>
    public async Task<ReconcileResult> RunAsync(TimeSpan? since, bool dryRun, IProgress<ReconcileCounts>? progress, CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            throw new InvalidOperationException(OffMessage);
        }

        return await RunAsync(await PlanAsync(since, cancellationToken), dryRun, progress, cancellationToken);
    }

    /// <summary>Where a run starting now would list: <paramref name="since"/> ago, or from the cursor (see <see cref="ReconcileWindow.Plan"/>).</summary>
    public async Task<ReconcileWindow> PlanAsync(TimeSpan? since, CancellationToken cancellationToken)
    {
        var cursor = await runs.ReadCursorAsync(cancellationToken);
        var overlap = TimeSpan.FromMinutes(options.Value.OverlapMinutes);
        var start = since is { } back ? cursor.Now - back
            : cursor.LastEnd is { } end ? Earlier(end - overlap, cursor.RetryFrom)
            : (cursor.OldestClaim ?? cursor.Now) - overlap;
        return ReconcileWindow.Plan(cursor.Now, start, webhooks.Value.RetentionDays);
    }

    /// <summary>Runs once over <paramref name="window"/> (from <see cref="PlanAsync"/>).</summary>
    /// <param name="window">What to list.</param>
    /// <param name="dryRun">List and report the unclaimed events; apply and record nothing.</param>
    /// <param name="progress">The counts so far, after each page.</param>
    /// <param name="cancellationToken">Stops the run; it is recorded as failed.</param>
    /// <exception cref="InvalidOperationException">Reconciliation is off (<see cref="Enabled"/> is false).</exception>
    public async Task<ReconcileResult> RunAsync(ReconcileWindow window, bool dryRun, IProgress<ReconcileCounts>? progress, CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            throw new InvalidOperationException(OffMessage);
        }

        using var activity = ReconcileTracing.Start();
        ReconcileTracing.Planned(activity, window, dryRun);
        var runId = dryRun ? (long?)null : await runs.StartAsync(window, cancellationToken);
        LogStarted(logger, window.From, window.To, window.ClampedBy ?? "no", dryRun);

        var run = new Run(progress);
        string? error = null;
        try
        {
            var unclaimed = await ListUnclaimedAsync(window, run, cancellationToken);
            if (dryRun)
            {
                run.Candidates = [.. unclaimed.Select(e => new ReconcileCandidate(e.Id, e.Type, e.Created))];
            }
            else
            {
                await ApplyAsync(unclaimed, run, cancellationToken);
            }
        }
        catch (Exception ex) when (Describe(ex, cancellationToken) is { } message)
        {
            error = message;
            LogFailed(logger, ex, message);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested && runId is { } stopped)
        {
            // A stopping host: recorded as failed, so the cursor stays where it was and the next run covers the window.
            await runs.FinishAsync(stopped, run.Counts, run.RetryFrom, "cancelled", CancellationToken.None);
            throw;
        }

        if (runId is { } id)
        {
            await runs.FinishAsync(id, run.Counts, run.RetryFrom, error, CancellationToken.None);
        }

        ReconcileTracing.Finished(activity, run.Counts, error);
        if (error is null && !dryRun)
        {
            metrics.Succeeded(window.To);
            LogFinished(logger, run.Counts.Listed, run.Counts.Applied, run.Counts.AlreadyClaimed, run.Counts.Failed);
        }

        return new ReconcileResult(window, run.Counts, error, run.Candidates);
    }

    /// <summary>Lists every type chunk, page by page, keeping only events inside the window that have no claim.</summary>
    private async Task<List<StripeEvent>> ListUnclaimedAsync(ReconcileWindow window, Run run, CancellationToken cancellationToken)
    {
        var pageSize = options.Value.PageSize;
        var unclaimed = new List<StripeEvent>();
        var page = new List<StripeEvent>(pageSize);
        foreach (var types in TypeChunks())
        {
            await foreach (var json in _api.ListAsync(types, window, pageSize, cancellationToken))
            {
                if (!StripeEventParser.TryParse(json, out var listed, out var parseError))
                {
                    run.Listed++;
                    run.Failed++;
                    LogUnparsable(logger, parseError);
                }
                else if (listed.Created < window.From || listed.Created >= window.To)
                {
                    // Never trust the filter alone: an event older than the window may have had its claim purged.
                    LogOutsideWindow(logger, listed.Id, listed.Created);
                }
                else
                {
                    run.Listed++;
                    page.Add(listed);
                }

                if (page.Count == pageSize)
                {
                    await KeepUnclaimedAsync(page, unclaimed, run, cancellationToken);
                }
            }

            await KeepUnclaimedAsync(page, unclaimed, run, cancellationToken);
        }

        // Stripe lists newest first; a stable sort keeps the events of one second in the order they were created.
        unclaimed.Reverse();
        return [.. unclaimed.OrderBy(e => e.Created)];
    }

    private async Task KeepUnclaimedAsync(List<StripeEvent> page, List<StripeEvent> unclaimed, Run run, CancellationToken cancellationToken)
    {
        if (page.Count > 0)
        {
            var claimed = await runs.ClaimedAmongAsync([.. page.Select(e => e.Id)], cancellationToken);
            unclaimed.AddRange(page.Where(e => !claimed.Contains(e.Id)));
            run.AlreadyClaimed += claimed.Count;
            page.Clear();
        }

        run.Report();
    }

    private async Task ApplyAsync(List<StripeEvent> unclaimed, Run run, CancellationToken cancellationToken)
    {
        var pageSize = options.Value.PageSize;
        for (var i = 0; i < unclaimed.Count; i++)
        {
            var stripeEvent = unclaimed[i];
            var result = await processor.ProcessAsync(stripeEvent, cancellationToken);
            switch (result.Outcome)
            {
                case ProcessingOutcome.Processed:
                    run.Applied++;
                    metrics.Reconciled("applied", 1);
                    LogApplied(logger, stripeEvent.Id, stripeEvent.Type);
                    break;
                case ProcessingOutcome.Duplicate or ProcessingOutcome.InFlight:
                    // A live delivery got there first (or holds the claim right now and commits or fails as a delivery).
                    run.AlreadyClaimed++;
                    break;
                case ProcessingOutcome.Failed:
                    // Only the reconciler will list it again: the next run starts no later than this event.
                    run.Failed++;
                    run.RetryFrom = Earlier(stripeEvent.Created, run.RetryFrom);
                    metrics.Reconciled("failed", 1);
                    break;
                case ProcessingOutcome.FailedPermanent:
                    run.Failed++;
                    metrics.Reconciled("failed", 1);
                    break;
                case ProcessingOutcome.IgnoredLivemode:
                    // Of the mode Stripe__Livemode ignores (the processor logged it): never applied, never retried.
                    break;
                default:
                    // DatabaseUnavailable (the processor logged why): the run stops and the cursor stays.
                    throw new NpgsqlException($"could not apply {stripeEvent.Id}");
            }

            if ((i + 1) % pageSize == 0)
            {
                run.Report();
            }
        }

        metrics.Reconciled("already_claimed", run.AlreadyClaimed);
        run.Report();
    }

    /// <summary>One line for a run that failed, naming the setting or what answered; null when cancelled.</summary>
    private string? Describe(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        _ when cancellationToken.IsCancellationRequested => null,
        Stripe.StripeException { HttpStatusCode: HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden } stripeError =>
            $"Stripe refused Stripe__ApiKey ({(int)stripeError.HttpStatusCode} {stripeError.HttpStatusCode}): set it to a restricted key with \"Events: read\" (rk_...) of this account and mode",
        Stripe.StripeException stripeError =>
            $"Stripe's Events API at {_api.ApiBase} answered {(int)stripeError.HttpStatusCode} {stripeError.StripeError?.Code ?? stripeError.HttpStatusCode.ToString()} (after Stripe__MaxNetworkRetries={stripe.Value.MaxNetworkRetries} retries)",
        HttpRequestException or TaskCanceledException => $"could not reach Stripe's Events API at {_api.ApiBase} (Stripe__ApiBase): {ex.Message}",
        _ when StripeEventProcessor.IsUnavailable(ex, cancellationToken) => $"Postgres was unavailable: {ex.Message}",
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };

    private static DateTimeOffset Earlier(DateTimeOffset value, DateTimeOffset? other) => other is { } o && o < value ? o : value;

    /// <summary>The counts of one run as it goes.</summary>
    private sealed class Run(IProgress<ReconcileCounts>? progress)
    {
        public int Listed;
        public int Applied;
        public int AlreadyClaimed;
        public int Failed;
        public DateTimeOffset? RetryFrom;
        public IReadOnlyList<ReconcileCandidate> Candidates = [];

        public ReconcileCounts Counts => new(Listed, Applied, AlreadyClaimed, Failed);

        public void Report() => progress?.Report(Counts);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciling events created from {From:o} to {To:o} (clamped: {ClampedBy}, dry run: {DryRun})")]
    private static partial void LogStarted(ILogger logger, DateTimeOffset from, DateTimeOffset to, string clampedBy, bool dryRun);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciliation listed {Listed}: applied {Applied}, already claimed {AlreadyClaimed}, failed {Failed}")]
    private static partial void LogFinished(ILogger logger, int listed, int applied, int alreadyClaimed, int failed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciled {EventId} ({EventType}): it was never delivered")]
    private static partial void LogApplied(ILogger logger, string eventId, string eventType);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stripe listed an event our envelope parser refuses: {Error}")]
    private static partial void LogUnparsable(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe listed {EventId} created at {Created:o}, outside the window asked for; not applied")]
    private static partial void LogOutsideWindow(ILogger logger, string eventId, DateTimeOffset created);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reconciliation failed: {Error}; the next run covers its window")]
    private static partial void LogFailed(ILogger logger, Exception exception, string error);
}
