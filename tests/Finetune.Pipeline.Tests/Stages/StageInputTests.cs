using System.Text.Json.Nodes;
using Finetune.Pipeline.Stages;

namespace Finetune.Pipeline.Tests.Stages;

public sealed class StageInputTests
{
    private const string Probe = "probe: \"Lily has 3 red apples. Tom gives her 2 more. How many apples does Lily have now?\"";

    [Fact]
    public void Editing_seed_probe_reruns_tokenize_whose_report_encodes_it()
    {
        var kit = new StageTestKit();
        kit.Run(only: "tokenize");
        File.WriteAllText(kit.RecipePath, File.ReadAllText(kit.RecipePath).Replace(Probe, "probe: \"Why is the sky blue?\""));

        var plan = Job.Engine(kit.Recipe, kit.Store).Plan().Single(p => p.Stage == "tokenize");
        Assert.False(plan.Cached);
        Assert.Equal(["seed.probe Lily has 3 red apples. Tom gives her 2 more. How many apples does Lily have now? -> Why is the sky blue?"], plan.Reasons.Select(r => r.ToString()));

        var rerun = kit.Run(only: "tokenize").Single();
        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(kit.Store, "tokenize", rerun.Key, TokenizeStage.ReportFile)))!;
        Assert.Equal("Why is the sky blue?", (string)report["probes"]!.AsArray()[^1]!["text"]!);
    }

    [Fact]
    public void Stage_inputs_name_recipe_keys_and_leave_places_out()
    {
        var kit = new StageTestKit();
        var export = ExportInput.From(kit.Recipe);
        var values = export.Params();
        // Hand-listed: what export reads by value. export.path is a place (publishing), not content.
        Assert.Equal(["data.chat_template", "data.template_vars", "export.adapter", "export.dtype", "export.format", "export.max_shard_size", "parity_prompt"],
            values.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("fp32", (string)values["export.dtype"]!);
        Assert.Equal("5GB", (string)values["export.max_shard_size"]!);
        Assert.Equal(["model/config.json", "model/generation_config.json"], export.Files().Keys.Order(StringComparer.Ordinal));

        var train = TrainInput.From(kit.Recipe).Params();
        Assert.Equal("cosine", (string)train["train"]!["schedule"]!);
        Assert.Equal("epoch", (string)train["train"]!["save"]!);
        Assert.Equal(0.003, (double)train["train"]!["learning_rate"]!);
    }
}
