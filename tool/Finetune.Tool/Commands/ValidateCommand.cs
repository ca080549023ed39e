using System.ComponentModel;
using System.Text.Json.Nodes;
using Finetune.Recipes;
using Spectre.Console.Cli;

namespace Finetune.Tool.Commands;

/// <summary><c>dotnet finetune validate RECIPE...</c>: every error of every recipe, one line each.</summary>
public sealed class ValidateCommand : Command<ValidateCommand.Settings>
{
    public sealed class Settings : GlobalSettings
    {
        [CommandArgument(0, "<RECIPES>")]
        [Description("Recipe files.")]
        public string[] Recipes { get; init; } = [];

        [CommandOption("--no-path-check")]
        [Description("Do not require model, data and template paths to exist (recipes for another machine).")]
        public bool NoPathCheck { get; init; }

        [CommandOption("--json")]
        [Description("One JSON line per diagnostic on stdout.")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        int failed = 0;
        var options = new RecipeLoadOptions { CheckPaths = !settings.NoPathCheck };
        foreach (var path in settings.Recipes)
        {
            var result = RecipeLoader.TryLoad(path, options);
            // With paths checked, the recipe is also checked against its model and data (as plan and run do first).
            var diagnostics = result.Success && options.CheckPaths
                ? Finetune.Pipeline.Preflight.Check(result.Recipe!, StorePaths.Resolve(null))
                : result.Diagnostics;
            if (diagnostics.Count > 0) failed++;
            foreach (var d in diagnostics)
            {
                if (settings.Json)
                    System.Console.WriteLine(new JsonObject
                    {
                        ["file"] = d.File, ["line"] = d.Line, ["column"] = d.Column,
                        ["code"] = d.Code, ["message"] = d.Message, ["hint"] = d.Hint,
                    }.ToJsonString());
                else
                    System.Console.WriteLine(d.ToString());
            }
            if (diagnostics.Count == 0 && !settings.Json) System.Console.WriteLine($"{path}: ok");
        }
        return failed == 0 ? CliApp.Ok : CliApp.UserError;
    }
}
