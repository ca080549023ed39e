using Finetune.Pipeline;
using Finetune.Pipeline.Data;
using Finetune.Pipeline.Store;
using Finetune.Recipes;
using Finetune.Text.Gguf;
using Finetune.Text.Templates;
using Finetune.Text.Tokenizers;
using Finetune.Torch.IO;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Loop;
using Finetune.Torch.Training.Optimizers;
using Spectre.Console.Cli;

namespace Finetune.Tool;

/// <summary>
/// Which exceptions are the user's input being wrong (exit 1, one line) rather than our bug (exit 2): the one
/// list of them, by type (subclasses included). A type the project adds for bad input goes here; anything
/// else, in whatever namespace, is a bug.
/// </summary>
public static class UserErrors
{
    private static readonly Type[] UserInput =
    [
        typeof(UserInputException),
        typeof(RecipeException),
        typeof(PipelineException),
        typeof(StoreException),
        typeof(StoreLockedException),
        typeof(DataException),
        typeof(TemplateException),
        typeof(TemplateLoadException),
        typeof(TokenizerException),
        typeof(GgufException),
        typeof(GgufExportException),
        typeof(CheckpointException),
        typeof(TokenShardException),
        typeof(TrainingException),
        typeof(OptimizerStateException),
        typeof(FileNotFoundException),
        typeof(DirectoryNotFoundException),
        // Spectre.Console.Cli's own parse errors: a wrong option is the user's input too.
        typeof(CommandParseException),
        typeof(CommandRuntimeException),
    ];

    /// <summary>The one line to print for a user-input error; null for a bug.</summary>
    public static string? Describe(Exception e)
    {
        // The file system said no: a disk full, a path that is a folder, a permission, a link loop. .NET's
        // messages name the path; none of these is a bug in the tool.
        if (e is UnauthorizedAccessException || (e is IOException and not EndOfStreamException && e.GetType().Namespace == "System.IO"))
            return OneLine(e.Message);
        return UserInput.Any(t => t.IsInstanceOfType(e)) ? OneLine(e.Message) : null;
    }

    /// <summary>One line, at most 1000 chars: a message quoting a huge input must not flood the terminal.</summary>
    public static string OneLine(string message)
    {
        var line = message.ReplaceLineEndings(" ");
        return line.Length <= MaxMessageChars ? line : line[..MaxMessageChars] + "...";
    }

    private const int MaxMessageChars = 1000;
}
