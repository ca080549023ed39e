namespace Finetune.Pipeline.Data;

/// <summary>
/// A dataset file is malformed or cannot be used. The message is one line that names the file and,
/// where known, the line or row: <c>data/train.jsonl: line 12: invalid JSON: ...</c>.
/// </summary>
public sealed class DataException : Exception
{
    public DataException(string? file, string? location, string problem, Exception? inner = null)
        : base(Compose(file, location, problem), inner)
    {
        File = file;
        Location = location;
        Problem = problem;
    }

    /// <summary>The file at fault, or null when the problem is with the dataset as a whole.</summary>
    public string? File { get; }

    /// <summary>Where in the file (<c>line 12</c>, <c>record 3 (line 5)</c>, <c>row 7</c>), or null.</summary>
    public string? Location { get; }

    /// <summary>What is wrong, without file and location.</summary>
    public string Problem { get; }

    private static string Compose(string? file, string? location, string problem)
    {
        var text = string.Join(": ", new[] { file, location, problem }.Where(p => !string.IsNullOrEmpty(p)));
        return OneLine(text);
    }

    /// <summary>Collapses line breaks so a message always prints as one line.</summary>
    internal static string OneLine(string text) =>
        text.ReplaceLineEndings(" ").Trim();
}
