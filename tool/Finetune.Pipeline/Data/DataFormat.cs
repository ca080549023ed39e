namespace Finetune.Pipeline.Data;

/// <summary>The file formats a dataset can come in; chosen by file extension.</summary>
public enum DataFormat
{
    /// <summary>One JSON object per line (<c>.jsonl</c>, <c>.ndjson</c>); empty lines are skipped.</summary>
    JsonLines,

    /// <summary>A JSON array of objects (<c>.json</c>); a <c>.json</c> file that starts with <c>{</c> is read as JSON lines, as Hugging Face's json loader does.</summary>
    Json,

    /// <summary>RFC 4180 CSV with a header row (<c>.csv</c>); every value is a string.</summary>
    Csv,

    /// <summary>Apache Parquet (<c>.parquet</c>), read one row group at a time.</summary>
    Parquet,
}
