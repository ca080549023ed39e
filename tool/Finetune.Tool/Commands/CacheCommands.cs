using System.ComponentModel;
using System.Text.Json.Nodes;
using Finetune.Pipeline.Planning;
using Finetune.Pipeline.Store;
using Spectre.Console.Cli;

namespace Finetune.Tool.Commands;

/// <summary>Options of the cache commands.</summary>
public class CacheSettings : GlobalSettings
{
    [CommandOption("--store <DIR>")]
    [Description("The store (default: $FINETUNE_STORE, else ./artifacts/store).")]
    public string? Store { get; init; }

    [CommandOption("--json")]
    public bool Json { get; init; }
}

/// <summary><c>cache ls</c>: one line per entry.</summary>
public sealed class CacheListCommand : Command<CacheSettings>
{
    public override int Execute(CommandContext context, CacheSettings settings, CancellationToken cancellation)
    {
        foreach (var m in new ArtifactStore(StorePaths.Resolve(settings.Store)).List())
        {
            if (settings.Json)
                System.Console.WriteLine(new JsonObject
                {
                    ["stage"] = m.Stage, ["key"] = m.Key, ["bytes"] = m.TotalBytes,
                    ["created"] = m.Created.ToString("O"), ["seconds"] = m.Seconds,
                }.ToJsonString());
            else
                System.Console.WriteLine($"{m.Stage,-9} {m.Key[..12]}  {Human(m.TotalBytes),10}  {m.Created:yyyy-MM-dd HH:mm}  {m.Seconds,8:0.0} s");
        }
        return CliApp.Ok;
    }

    internal static string Human(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.0} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:0.0} KiB",
        _ => $"{bytes} B",
    };
}

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

/// <summary><c>cache verify</c>: rehash everything; exit 1 when an entry was damaged.</summary>
public sealed class CacheVerifyCommand : Command<CacheSettings>
{
    public override int Execute(CommandContext context, CacheSettings settings, CancellationToken cancellation)
    {
        var problems = new ArtifactStore(StorePaths.Resolve(settings.Store)).Verify();
        foreach (var p in problems) System.Console.WriteLine(p);
        if (problems.Count == 0) System.Console.Error.WriteLine("store ok");
        return problems.Count == 0 ? CliApp.Ok : CliApp.UserError;
    }
}
