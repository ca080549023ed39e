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
        var type = e.GetType();
        bool ours = type.Namespace?.StartsWith("Finetune.", StringComparison.Ordinal) == true;
        return ours || CommandLineErrors.Contains(type.Name) ? e.Message.ReplaceLineEndings(" ") : null;
    }
}
