namespace StripeWebhooks.Persistence;

/// <summary>
/// The one planner setting statements here change: between <see cref="BeginSql"/> and <see cref="EndSql"/>, statements
/// are planned once per connection with index scans, and the plan kept, whatever the statistics (bench/README.md,
/// "Index plans"). Transaction-local; a group of statements that begins it ends it, so what follows plans as usual.
/// Only for statements whose every table access has an index: a sequential scan left in the plan would be costed as
/// disabled, past JIT's threshold.
/// </summary>
internal static class IndexPlans
{
    /// <summary>The set_config calls of <see cref="BeginSql"/>, for a statement that sets more.</summary>
    public const string Settings = "set_config('plan_cache_mode', 'force_generic_plan', true), set_config('enable_seqscan', 'off', true)";

    /// <summary>The set_config calls of <see cref="EndSql"/>: Postgres's defaults.</summary>
    public const string DefaultSettings = "set_config('plan_cache_mode', 'auto', true), set_config('enable_seqscan', 'on', true)";

    public const string BeginSql = "SELECT " + Settings;

    public const string EndSql = "SELECT " + DefaultSettings;
}
