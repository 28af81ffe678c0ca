namespace StripeWebhooks.Persistence;

/// <summary>
/// The one planner setting the statements here change: the statements between <see cref="BeginSql"/> and
/// <see cref="EndSql"/> are planned once per connection, with index scans, and the plan kept, whatever the table
/// statistics say. Why and what it is worth: bench/README.md, "Index plans".
/// </summary>
/// <remarks>
/// Transaction-local (<c>set_config(..., true)</c>). A group of statements that begins it ends it with
/// <see cref="EndSql"/> (Postgres's defaults), so whatever follows in the transaction, an application handler
/// included, plans as usual; nobody else restores anything. Only for statements whose every table access has an
/// index: a sequential scan left in such a plan is costed as disabled, and would cross JIT's threshold.
/// </remarks>
internal static class IndexPlans
{
    /// <summary>The set_config calls of <see cref="BeginSql"/>, for a group that sets more in the same statement.</summary>
    public const string Settings =
        "set_config('plan_cache_mode', 'force_generic_plan', true), set_config('enable_seqscan', 'off', true)";

    /// <summary>The set_config calls of <see cref="EndSql"/>.</summary>
    public const string DefaultSettings =
        "set_config('plan_cache_mode', 'auto', true), set_config('enable_seqscan', 'on', true)";

    public const string BeginSql = "SELECT " + Settings;

    public const string EndSql = "SELECT " + DefaultSettings;
}
