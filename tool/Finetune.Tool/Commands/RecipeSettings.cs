using System.ComponentModel;
using Spectre.Console.Cli;

namespace Finetune.Tool.Commands;

/// <summary>Options of commands that read a recipe and its store.</summary>
public class RecipeSettings : GlobalSettings
{
    [CommandArgument(0, "<RECIPE>")]
    [Description("The recipe YAML file.")]
    public string Recipe { get; init; } = "";

    [CommandOption("--store <DIR>")]
    [Description("The content-addressed store (default: $FINETUNE_STORE, else ./artifacts/store).")]
    public string? Store { get; init; }

    [CommandOption("--json")]
    [Description("JSON lines on stdout instead of text.")]
    public bool Json { get; init; }

    public string StoreRoot => StorePaths.Resolve(Store);
}
