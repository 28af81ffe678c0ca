using Npgsql;
using NpgsqlTypes;

namespace StripeWebhooks.Persistence;

/// <summary>Batch commands and typed parameters for the statements the stores send (<c>using static</c>).</summary>
/// <remarks>
/// Typed parameters: no boxing, and Npgsql finds the converter from T instead of from each value's runtime type.
/// A null TypedValue is sent as NULL (nullable value types since Npgsql 8); the explicit NpgsqlDbType keeps every
/// parameter typed, nulls included, so a statement's parameter types never depend on the values.
/// </remarks>
internal static class SqlCommands
{
    /// <summary>
    /// set_config calls (a SELECT list) that make the next statements planned once per connection, with index scans
    /// only, and their plan kept, whatever the table statistics say; transaction-local.
    /// </summary>
    public const string IndexPlanSettings =
        "set_config('plan_cache_mode', 'force_generic_plan', true), set_config('enable_seqscan', 'off', true)";

    /// <summary>Postgres's defaults again after <see cref="IndexPlanSettings"/>, for what follows in the transaction.</summary>
    public const string DefaultPlanSettings =
        "set_config('plan_cache_mode', 'auto', true), set_config('enable_seqscan', 'on', true)";

    /// <summary>
    /// set_config calls that turn JIT off for the next statements, keeping the setting they found (in
    /// <c>stripe_webhooks.jit</c>, transaction-local; the first one of a transaction keeps it) for
    /// <see cref="RestorePlannerSettingsSql"/>.
    /// </summary>
    public const string JitOffSettings = $"set_config('stripe_webhooks.jit', {JitBeforeWriters}, true), set_config('jit', 'off', true)";

    /// <summary>
    /// What a writer's <see cref="IndexPlanSettings"/> and <see cref="JitOffSettings"/> changed, back as it was: the
    /// processor sends it before a handler that is not a writer (harmless when no writer changed anything). After the
    /// writers' statements COMMIT follows instead, which ends the settings anyway.
    /// </summary>
    public const string RestorePlannerSettingsSql = $"SELECT {DefaultPlanSettings}, set_config('jit', {JitBeforeWriters}, true)";

    // JIT as the transaction had it before a writer turned it off: the value kept in stripe_webhooks.jit, or the current
    // one when none was kept (never set in this session: NULL; set in an earlier transaction: '').
    private const string JitBeforeWriters = "COALESCE(NULLIF(current_setting('stripe_webhooks.jit', true), ''), current_setting('jit'))";

    public static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    public static NpgsqlParameter<string> Text(string? value) => new() { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Text };

    public static NpgsqlParameter<string[]> TextArray(string[]? values) =>
        new() { TypedValue = values, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };

    public static NpgsqlParameter<int> Int(int value) => new() { TypedValue = value };

    public static NpgsqlParameter<long> Long(long value) => new() { TypedValue = value };

    public static NpgsqlParameter<DateTimeOffset?> Time(DateTimeOffset? value) => new() { TypedValue = value, NpgsqlDbType = NpgsqlDbType.TimestampTz };

    public static NpgsqlParameter<bool?> Bool(bool? value) => new() { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Boolean };
}
