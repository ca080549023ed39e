using System.ComponentModel;
using Finetune.Pipeline;
using Finetune.Pipeline.Planning;
using Finetune.Pipeline.Store;
using Finetune.Recipes;
using Spectre.Console.Cli;

namespace Finetune.Tool.Commands;

/// <summary>
/// <c>cache gc [RECIPE...]</c>: remove crash leftovers, quarantined entries and finished work folders; given
/// recipes, also the entries and work folders their locks do not refer to (a recipe's next keys keep their
/// checkpoints for --resume). Says how much it freed.
/// </summary>
public sealed class CacheGcCommand : Command<CacheGcCommand.Settings>
{
    public sealed class Settings : CacheSettings
    {
        [CommandArgument(0, "[RECIPES]")]
        [Description("Keep only entries these recipes' lock files reference (and the work folders of what they would run next).")]
        public string[] Recipes { get; init; } = [];
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var root = StorePaths.Resolve(settings.Store);
        HashSet<(string, string)>? keep = null;
        var keepWork = new HashSet<(string, string)>();
        if (settings.Recipes.Length > 0)
        {
            keep = [];
            foreach (var recipe in settings.Recipes)
            {
                if (!File.Exists(recipe)) throw new UserInputException($"{recipe}: recipe file not found");
                foreach (var entry in RecipeLock.Load(RecipeLock.PathFor(Path.GetFullPath(recipe))).Entries) keep.Add(entry);
                // What the recipe would run next may have checkpoints of an interrupted run: keep those.
                var loaded = RecipeLoader.TryLoad(recipe);
                if (loaded.Success)
                    foreach (var plan in Job.Engine(loaded.Recipe!, root).Plan(verify: false, cancellation)) keepWork.Add((plan.Stage, plan.Key));
            }
        }
        var store = new ArtifactStore(root);
        using var storeLock = StoreLock.Acquire(store.Root, TimeSpan.FromSeconds(30), m => System.Console.Error.WriteLine(m), cancellation);
        var removed = store.CollectGarbage(keep, keepWork, cancellation);
        foreach (var r in removed) System.Console.WriteLine($"removed {Path.GetRelativePath(store.Root, r.Path)} ({CacheListCommand.Human(r.Bytes)}, {r.Why})");
        System.Console.Error.WriteLine($"{removed.Count} removed, {CacheListCommand.Human(removed.Sum(r => r.Bytes))} freed");
        return CliApp.Ok;
    }
}
