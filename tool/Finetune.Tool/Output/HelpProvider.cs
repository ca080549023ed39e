using Spectre.Console.Cli;
using Spectre.Console.Cli.Help;
using Spectre.Console.Rendering;

namespace Finetune.Tool.Output;

/// <summary>Spectre's help with the tool's name and version as its first line, so <c>--help</c> says which build answers.</summary>
public sealed class VersionedHelpProvider(ICommandAppSettings settings) : HelpProvider(settings)
{
    public override IEnumerable<IRenderable> GetHeader(ICommandModel model, ICommandInfo? command) =>
        [new Spectre.Console.Text($"dotnet finetune {ToolVersion.Current}"), Spectre.Console.Text.NewLine, Spectre.Console.Text.NewLine];
}
