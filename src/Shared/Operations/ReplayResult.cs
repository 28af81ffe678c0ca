namespace StripeWebhooks.Operations;

/// <summary>The result of a replay: outcome, handlers run, and row changes per table.</summary>
internal sealed record ReplayResult(
    ReplayOutcome Outcome,
    string? EventType,
    IReadOnlyList<string> Handlers,
    IReadOnlyList<TableChange> Changes,
    string? Error = null);

/// <summary>Rows a replay inserted, updated and deleted in one table (from <c>pg_stat_xact_user_tables</c>).</summary>
internal sealed record TableChange(string Table, long Inserted, long Updated, long Deleted);
