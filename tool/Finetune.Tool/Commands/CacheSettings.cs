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
