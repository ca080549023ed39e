using System.ComponentModel;
using Finetune.Pipeline;
using Finetune.Recipes;
using Finetune.Tool.Output;
using Spectre.Console.Cli;

namespace Finetune.Tool.Commands;

/// <summary><c>dotnet finetune run RECIPE</c>: run every stage the store does not already hold.</summary>
public sealed class RunCommand : Command<RunCommand.Settings>
{
    public sealed class Settings : RecipeSettings
    {
        [CommandOption("--only <STAGE>")]
        [Description("Run this stage and what it needs, nothing after it.")]
        public string? Only { get; init; }

        [CommandOption("--force <STAGE>")]
        [Description("Rerun this stage even if cached (repeatable).")]
        public string[] Force { get; init; } = [];

        [CommandOption("--resume")]
        [Description("Continue training from the last checkpoint of an interrupted run.")]
        public bool Resume { get; init; }

        [CommandOption("--dry-run")]
        [Description("Only say what would run (same as plan).")]
        public bool DryRun { get; init; }

        [CommandOption("--lock-timeout <SECONDS>")]
        [Description("How long to wait for another run holding the store.")]
        [DefaultValue(600)]
        public int LockTimeout { get; init; } = 600;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        if (settings.DryRun) return PlanCommand.Print(settings, cancellation);
        var recipe = settings.LoadChecked(cancellation);
        var engine = Job.Engine(recipe, settings.StoreRoot);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var plans = engine.Run(new RunOptions
        {
            Only = settings.Only,
            Force = settings.Force.ToHashSet(StringComparer.Ordinal),
            Resume = settings.Resume,
            LockTimeout = TimeSpan.FromSeconds(settings.LockTimeout),
            Cancellation = cancellation,
            Verify = !settings.NoVerify,
        }, new ConsoleObserver(settings.Json));
        var results = RunResults.Of(plans, settings.StoreRoot, recipe.Export.Path is { } export ? recipe.ResolvePath(export) : null);
        if (settings.Json) System.Console.Out.WriteLine(results.ToJson().ToJsonString());
        else
        {
            System.Console.Error.WriteLine($"{recipe.Name}: finished in {clock.Elapsed.TotalSeconds:0.0} s");
            foreach (var line in results.Lines()) System.Console.Error.WriteLine(line);   // where to look next
        }
        return CliApp.Ok;
    }
}
