using System.Text.Json.Nodes;
using Finetune.Pipeline;
using Finetune.Recipes;
using Spectre.Console.Cli;

namespace Finetune.Tool.Commands;

/// <summary>
/// <c>dotnet finetune plan RECIPE [--against OTHER.lock]</c>: per stage, its key, cached or will run, and why
/// (reasons as text, or as objects with <c>--json</c>).
/// </summary>
public sealed class PlanCommand : Command<PlanSettings>
{
    public override int Execute(CommandContext context, PlanSettings settings, CancellationToken cancellation) => Print(settings, cancellation);

    public static int Print(RecipeSettings settings, CancellationToken cancellation = default)
    {
        var recipe = settings.LoadChecked(cancellation);
        var against = (settings as PlanSettings)?.Against;
        foreach (var plan in Job.Engine(recipe, settings.StoreRoot, against).Plan(verify: !settings.NoVerify, cancellation))
        {
            if (settings.Json)
            {
                System.Console.WriteLine(new JsonObject
                {
                    ["stage"] = plan.Stage,
                    ["key"] = plan.Key,
                    ["cached"] = plan.Cached,
                    ["reasons"] = new JsonArray(plan.Reasons.Select(r => (JsonNode)r.ToJson()).ToArray()),
                }.ToJsonString());
                continue;
            }
            var status = plan.Cached ? "cached" : "will run";
            var why = plan.Reasons.Count > 0 ? $": {string.Join("; ", plan.Reasons)}" : "";
            System.Console.WriteLine($"{plan.Stage,-9} {plan.ShortKey}  {status}{why}");
        }
        return CliApp.Ok;
    }
}
