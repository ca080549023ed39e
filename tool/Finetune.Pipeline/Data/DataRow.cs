using System.Text.Json.Nodes;

namespace Finetune.Pipeline.Data;

/// <summary>
/// One row of a dataset: its columns in file order (a <see cref="JsonObject"/>: strings, numbers,
/// booleans, nulls, nested objects and arrays) and where it came from.
/// </summary>
/// <param name="SourceFile">The file the row was read from (as the path was given, joined for folders).</param>
/// <param name="Row">1-based row number within the file: JSONL counts non-empty lines, CSV records after the
/// header, JSON array elements (index + 1), Parquet rows (index + 1).</param>
/// <param name="Line">1-based line where the row starts (JSONL and CSV), null for JSON arrays and Parquet.</param>
/// <param name="Format">The format the row was read from; decides how <see cref="Location"/> reads.</param>
/// <param name="Values">Column name to value, in file order. A JSON null is a null entry.</param>
public sealed record DataRow(string SourceFile, long Row, long? Line, DataFormat Format, JsonObject Values)
{
    /// <summary>Where the row is within its file: <c>line 12</c>, <c>record 3 (line 5)</c>, <c>element 4</c>, <c>row 7</c>.</summary>
    public string Location => Format switch
    {
        DataFormat.JsonLines => $"line {Line}",
        DataFormat.Csv => $"record {Row} (line {Line})",
        DataFormat.Json => $"element {Row}",
        _ => $"row {Row}",
    };

    /// <summary>The column names in file order.</summary>
    public IEnumerable<string> ColumnNames => Values.Select(p => p.Key);

    /// <summary>Looks a column up by exact (case-sensitive) name; a present column may hold null.</summary>
    public bool TryGetValue(string column, out JsonNode? value) => Values.TryGetPropertyValue(column, out value);

    /// <summary><c>file: location</c>, the prefix every per-row message uses.</summary>
    public override string ToString() => $"{SourceFile}: {Location}";
}
