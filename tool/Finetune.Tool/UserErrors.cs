namespace Finetune.Tool;

/// <summary>
/// Which exceptions are the user's input being wrong (exit 1, one line) rather than our bug (exit 2).
/// Each project throws its own type; this is the one list of them.
/// </summary>
public static class UserErrors
{
    private static readonly HashSet<string> TypeNames =
    [
        "RecipeException", "PipelineException", "StoreLockedException", "GgufException", "TokenizerException",
        "TemplateException", "TemplateLoadException", "CheckpointException", "DataException", "ModelException", "UserInputException",
        "CommandParseException", "CommandRuntimeException",
    ];

    public static string? Describe(Exception e)
    {
        if (e is FileNotFoundException fnf) return fnf.Message;
        if (e is DirectoryNotFoundException dnf) return dnf.Message;
        for (var type = e.GetType(); type != null; type = type.BaseType) // TemplateSyntaxException is a TemplateException
            if (TypeNames.Contains(type.Name)) return e.Message.ReplaceLineEndings(" ");
        return null;
    }
}

/// <summary>A command-line argument that makes no sense; one line, exit 1.</summary>
public sealed class UserInputException(string message) : Exception(message);
