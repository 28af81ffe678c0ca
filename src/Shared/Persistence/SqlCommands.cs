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
