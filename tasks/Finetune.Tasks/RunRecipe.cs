using CliWrap;
using Microsoft.Build.Framework;

namespace Finetune.Tasks;

/// <summary>
/// Runs <c>dotnet finetune VERB RECIPE</c> out of process (native libtorch never loads inside MSBuild),
/// streaming the tool's stdout and stderr lines into the build log. A non-zero exit fails the task with
/// the tool's last error line.
/// </summary>
public sealed class RunRecipe : Microsoft.Build.Utilities.Task
{
    /// <summary>The executable: <c>dotnet</c> (with <see cref="ToolAssembly"/>) or the <c>dotnet-finetune</c> apphost.</summary>
    [Required]
    public string ToolPath { get; set; } = "";

    /// <summary>Path to <c>dotnet-finetune.dll</c> when <see cref="ToolPath"/> is <c>dotnet</c>.</summary>
    public string? ToolAssembly { get; set; }

    [Required]
    public string Recipe { get; set; } = "";

    /// <summary>run (default), plan or validate.</summary>
    public string Verb { get; set; } = "run";

    /// <summary>Extra arguments, separated by semicolons (MSBuild list style).</summary>
    public string[] Arguments { get; set; } = [];

    public override bool Execute()
    {
        var args = new List<string>();
        if (!string.IsNullOrEmpty(ToolAssembly)) args.Add(ToolAssembly!);
        args.Add(Verb);
        args.Add(Recipe);
        args.AddRange(Arguments);
        string? lastError = null;
        var command = Cli.Wrap(ToolPath)
            .WithArguments(args)
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(PipeTarget.ToDelegate(Relay))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(Relay));
        void Relay(string line)
        {
            Log.LogMessage(MessageImportance.High, line);
            if (line.StartsWith("error", StringComparison.Ordinal) || line.Contains(": error ")) lastError ??= line;
        }

        var result = command.ExecuteAsync().GetAwaiter().GetResult();
        if (result.ExitCode != 0)
            Log.LogError($"dotnet finetune {Verb} {Recipe} exited with {result.ExitCode}: {lastError ?? "see the lines above"}");
        return !Log.HasLoggedErrors;
    }
}
