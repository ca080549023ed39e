using Finetune.Recipes;
using Spectre.Console.Cli;

namespace Finetune.Tool.Commands;

/// <summary><c>dotnet finetune schema</c>: the recipe JSON schema, generated from the recipe types.</summary>
public sealed class SchemaCommand : Command<GlobalSettings>
{
    public override int Execute(CommandContext context, GlobalSettings settings, CancellationToken cancellation)
    {
        System.Console.Write(RecipeSchema.Generate());
        return CliApp.Ok;
    }
}
