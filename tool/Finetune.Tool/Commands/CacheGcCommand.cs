using System.ComponentModel;
using System.Text.Json.Nodes;
using Finetune.Pipeline.Planning;
using Finetune.Pipeline.Store;
using Spectre.Console.Cli;

namespace Finetune.Tool.Commands;

/// <summary><c>cache gc [RECIPE...]</c>: remove crash leftovers, and entries the given recipes' locks do not use.</summary>
public sealed class CacheGcCommand : Command<CacheGcCommand.Settings>
{
    public sealed class Settings : CacheSettings
    {
        [CommandArgument(0, "[RECIPES]")]
        [Description("Keep only entries these recipes' lock files reference.")]
        public string[] Recipes { get; init; } = [];
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        HashSet<(string, string)>? keep = null;
        if (settings.Recipes.Length > 0)
        {
            keep = [];
            foreach (var recipe in settings.Recipes)
            {
                if (!File.Exists(recipe)) throw new UserInputException($"{recipe}: recipe file not found");
                foreach (var entry in RecipeLock.Load(RecipeLock.PathFor(Path.GetFullPath(recipe))).Entries) keep.Add(entry);
            }
        }
        var store = new ArtifactStore(StorePaths.Resolve(settings.Store));
        using var storeLock = StoreLock.Acquire(store.Root, TimeSpan.FromSeconds(30));
        var removed = store.CollectGarbage(keep);
        foreach (var r in removed) System.Console.WriteLine($"removed {Path.GetRelativePath(store.Root, r)}");
        System.Console.Error.WriteLine($"{removed.Count} removed");
        return CliApp.Ok;
    }
}
