namespace Finetune.Pipeline.Data;

/// <summary>
/// Opens a dataset: one file (format by extension) or a folder of them, such as a Hugging Face dataset
/// snapshot (<c>data/train-00000-of-00002.parquet</c>, ...). Rows are streamed: nothing is read until
/// enumerated, and only one row (one row group for Parquet) is held at a time.
/// </summary>
public static class DatasetReader
{
    /// <summary>Files in a snapshot that are metadata, not rows (<c>datasets</c>' save_to_disk and old hub repos).</summary>
    private static readonly HashSet<string> MetadataFiles = new(StringComparer.OrdinalIgnoreCase)
    {
        "dataset_info.json", "dataset_infos.json", "dataset_dict.json", "state.json",
    };

    /// <summary>
    /// Streams every row of a file, or of every data file in a folder in <see cref="ListFiles"/> order;
    /// <paramref name="cancellation"/> (Ctrl-C) is checked before each row.
    /// </summary>
    public static IEnumerable<DataRow> Open(string path, CancellationToken cancellation = default)
    {
        var files = ListFiles(path);
        var any = false;
        foreach (var file in files)
            foreach (var row in ReadFile(file))
            {
                cancellation.ThrowIfCancellationRequested();
                any = true;
                yield return row;
            }
        if (!any)
            throw new DataException(path, null, files.Count == 1 && files[0] == path
                ? "the dataset has no rows (the file holds no records)"
                : $"the dataset has no rows (none of its {files.Count} files holds a record)");
    }

    /// <summary>Streams one file's rows by its format.</summary>
    public static IEnumerable<DataRow> ReadFile(string file) => FormatOf(file) switch
    {
        DataFormat.JsonLines => JsonLinesReader.Read(file),
        DataFormat.Json => JsonArrayReader.Read(file),
        DataFormat.Csv => CsvReader.Read(file),
        _ => ParquetRowReader.Read(file),
    };

    /// <summary>
    /// The data files a path stands for: the file itself, or every <c>.jsonl</c>, <c>.ndjson</c>, <c>.json</c>,
    /// <c>.csv</c> and <c>.parquet</c> file under a folder (subfolders included), sorted by relative path with
    /// ordinal comparison and <c>/</c> separators. Hidden files and folders (a leading dot, e.g. <c>.cache</c>)
    /// and dataset metadata JSON files are left out.
    /// </summary>
    public static IReadOnlyList<string> ListFiles(string path)
    {
        if (Finetune.Recipes.PathProblems.Describe(path) is { } problem)
            throw new DataException(path, null, $"the data path {problem}");
        if (File.Exists(path))
        {
            FormatOf(path);
            return [path];
        }
        if (!Directory.Exists(path))
            throw new DataException(path, null, "no such file or folder");

        var files = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
            .Select(f => (Full: f, Relative: Path.GetRelativePath(path, f).Replace('\\', '/')))
            .Where(f => !f.Relative.Split('/').Any(part => part.StartsWith('.')))
            .Where(f => TryFormatOf(f.Full) != null && !MetadataFiles.Contains(Path.GetFileName(f.Full)))
            .OrderBy(f => f.Relative, StringComparer.Ordinal)
            .Select(f => f.Full)
            .ToList();
        if (files.Count == 0)
            throw new DataException(path, null, "the folder holds no .jsonl, .json, .csv or .parquet files");
        return files;
    }

    /// <summary>The format a file's extension names; a <see cref="DataException"/> for any other extension.</summary>
    public static DataFormat FormatOf(string file) => TryFormatOf(file)
        ?? throw new DataException(file, null, $"unsupported file type '{Path.GetExtension(file)}' (expected .jsonl, .ndjson, .json, .csv or .parquet)");

    private static DataFormat? TryFormatOf(string file) => Path.GetExtension(file).ToLowerInvariant() switch
    {
        ".jsonl" or ".ndjson" => DataFormat.JsonLines,
        ".json" => DataFormat.Json,
        ".csv" => DataFormat.Csv,
        ".parquet" => DataFormat.Parquet,
        _ => null,
    };
}
