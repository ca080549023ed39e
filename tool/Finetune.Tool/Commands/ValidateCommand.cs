using System.ComponentModel;
using Finetune.Recipes;
using Finetune.Tool.Output;
using Spectre.Console.Cli;

namespace Finetune.Tool.Commands;

/// <summary><c>dotnet finetune validate RECIPE...</c>: every error of every recipe, one line each, in the chosen format.</summary>
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

        [CommandOption("--format <FORMAT>")]
        [Description("text (file:line:col: error FT0xx: ...), msbuild (file(line,col): error FT0xx: ...), github (::error workflow commands) or json (one object per line).")]
        public string? Format { get; init; }

        [CommandOption("--json")]
        [Description("Same as --format json.")]
        public bool Json { get; init; }

        /// <summary>The format in effect: --format, else json for --json, else text.</summary>
        public string EffectiveFormat => Format?.ToLowerInvariant() ?? (Json ? "json" : "text");

        public override Spectre.Console.ValidationResult Validate() =>
            !DiagnosticFormat.Names.Contains(EffectiveFormat)
                ? Spectre.Console.ValidationResult.Error($"--format must be one of {string.Join(", ", DiagnosticFormat.Names)} (got '{Format}')")
            : Json && EffectiveFormat != "json"
                ? Spectre.Console.ValidationResult.Error($"--json contradicts --format {Format}")
            : Spectre.Console.ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        int failed = 0;
        var format = settings.EffectiveFormat;
        var options = new RecipeLoadOptions { CheckPaths = !settings.NoPathCheck };
        foreach (var path in settings.Recipes)
        {
            var result = RecipeLoader.TryLoad(path, options);
            // With paths checked, the recipe is also checked against its model and data (as plan and run do first).
            var diagnostics = result.Success && options.CheckPaths
                ? Finetune.Pipeline.Preflight.Check(result.Recipe!, StorePaths.Resolve(null), cancellation: cancellation)
                : result.Diagnostics;
            if (diagnostics.Count > 0) failed++;
            foreach (var d in diagnostics)
                System.Console.WriteLine(DiagnosticFormat.Write(d, format));
            // Only the human format confirms good recipes; CI formats print problems and nothing else.
            if (diagnostics.Count == 0 && format == "text") System.Console.WriteLine($"{path}: ok");
        }
        return failed == 0 ? CliApp.Ok : CliApp.UserError;
    }
}
