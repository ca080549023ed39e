using System.Text.Json.Nodes;
using Finetune.Pipeline.Store;
using Spectre.Console.Cli;

namespace Finetune.Tool.Commands;

/// <summary><c>cache ls</c>: one line per entry, then one per quarantined (damaged, moved aside) entry.</summary>
public sealed class CacheListCommand : Command<CacheSettings>
{
    public override int Execute(CommandContext context, CacheSettings settings, CancellationToken cancellation)
    {
        var store = new ArtifactStore(StorePaths.Resolve(settings.Store));
        foreach (var m in store.List())
        {
            if (settings.Json)
                System.Console.WriteLine(new JsonObject
                {
                    ["stage"] = m.Stage, ["key"] = m.Key, ["bytes"] = m.TotalBytes,
                    ["created"] = m.Created.ToString("O"), ["seconds"] = m.Seconds, ["status"] = "ok",
                }.ToJsonString());
            else
                System.Console.WriteLine($"{m.Stage,-9} {m.Key[..12]}  {Human(m.TotalBytes),10}  {m.Created:yyyy-MM-dd HH:mm}  {m.Seconds,8:0.0} s");
        }
        foreach (var q in store.Quarantined())
        {
            if (settings.Json)
                System.Console.WriteLine(new JsonObject
                {
                    ["stage"] = q.Stage, ["key"] = q.Key, ["bytes"] = q.Bytes, ["status"] = "quarantined", ["problem"] = q.Problem,
                    ["path"] = q.Path,
                }.ToJsonString());
            else
                System.Console.WriteLine($"{q.Stage,-9} {q.Key[..Math.Min(12, q.Key.Length)]}  {Human(q.Bytes),10}  quarantined: {q.Problem}");
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
