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

    [CommandOption("--no-verify")]
    [Description("Use cached store entries without checking their files against their manifests (for huge stores).")]
    public bool NoVerify { get; init; }

    public string StoreRoot => StorePaths.Resolve(Store);

    /// <summary>Loads the recipe and runs the preflight checks against its model and data; every error throws, before any work.</summary>
    public Finetune.Recipes.Recipe LoadChecked(CancellationToken cancellation = default)
    {
        var recipe = Finetune.Recipes.RecipeLoader.Load(Recipe);
        var errors = Finetune.Pipeline.Preflight.Check(recipe, StoreRoot, cancellation: cancellation);
        return errors.Count == 0 ? recipe : throw new Finetune.Recipes.RecipeException(errors);
    }
}
