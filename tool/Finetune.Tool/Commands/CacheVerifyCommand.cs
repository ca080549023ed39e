using System.ComponentModel;
using System.Text.Json.Nodes;
using Finetune.Pipeline.Planning;
using Finetune.Pipeline.Store;
using Spectre.Console.Cli;

namespace Finetune.Tool.Commands;

/// <summary><c>cache verify</c>: rehash everything; exit 1 when an entry was damaged.</summary>
public sealed class CacheVerifyCommand : Command<CacheSettings>
{
    public override int Execute(CommandContext context, CacheSettings settings, CancellationToken cancellation)
    {
        var problems = new ArtifactStore(StorePaths.Resolve(settings.Store)).Verify(cancellation);
        foreach (var p in problems) System.Console.WriteLine(p);
        if (problems.Count == 0) System.Console.Error.WriteLine("store ok");
        return problems.Count == 0 ? CliApp.Ok : CliApp.UserError;
    }
}
