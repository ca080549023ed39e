namespace Finetune.Tool;

/// <summary>
/// Which exceptions are the user's input being wrong (exit 1, one line) rather than our bug (exit 2).
/// Each project throws its own type; this is the one list of them.
/// </summary>
public static class UserErrors
{
    /// <summary>Spectre.Console.Cli's own parse errors: a wrong option is the user's input too.</summary>
    private static readonly HashSet<string> CommandLineErrors = ["CommandParseException", "CommandRuntimeException"];

    /// <summary>
    /// Every exception type the project defines (namespace Finetune.*) reports bad input by design: recipe,
    /// store lock, GGUF, tokenizer, template, checkpoint, data, training errors. Missing files too.
    /// </summary>
    public static string? Describe(Exception e)
    {
        if (e is FileNotFoundException or DirectoryNotFoundException) return e.Message;
        // The file system said no: a disk full, a path that is a folder, a permission, a link loop. .NET's
        // messages name the path; none of these is a bug in the tool.
        if (e is UnauthorizedAccessException || (e is IOException and not EndOfStreamException && e.GetType().Namespace == "System.IO"))
            return OneLine(e.Message);
        var type = e.GetType();
        bool ours = type.Namespace?.StartsWith("Finetune.", StringComparison.Ordinal) == true;
        return ours || CommandLineErrors.Contains(type.Name) ? OneLine(e.Message) : null;
    }

    /// <summary>One line, at most 1000 chars: a message quoting a huge input must not flood the terminal.</summary>
    public static string OneLine(string message)
    {
        var line = message.ReplaceLineEndings(" ");
        return line.Length <= MaxMessageChars ? line : line[..MaxMessageChars] + "...";
    }

    private const int MaxMessageChars = 1000;
}
