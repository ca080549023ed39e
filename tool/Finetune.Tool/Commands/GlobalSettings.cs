using System.ComponentModel;
using Spectre.Console.Cli;

namespace Finetune.Tool.Commands;

/// <summary>Options every command takes.</summary>
public class GlobalSettings : CommandSettings
{
    [CommandOption("--verbose")]
    [Description("Show stack traces for errors.")]
    public bool Verbose { get; init; }
}

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

/// <summary>Where the store is when no --store is given.</summary>
public static class StorePaths
{
    public static string Resolve(string? option)
    {
        if (option is { Length: > 0 }) return Path.GetFullPath(option);
        var env = Environment.GetEnvironmentVariable("FINETUNE_STORE");
        return Path.GetFullPath(env is { Length: > 0 } ? env : Path.Combine("artifacts", "store"));
    }
}
