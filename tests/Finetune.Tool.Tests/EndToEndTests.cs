using System.Text.Json.Nodes;
using Finetune.Testing;

namespace Finetune.Tool.Tests;

/// <summary>
/// The embedded default recipe, driven through the built tool as a user runs it: the whole job, then
/// reruns that must redo exactly what an edit touches. About a minute on 2 cores (it trains the tiny model three times).
/// </summary>
public sealed class EndToEndTests
{
    private static readonly string[] Stages = ["tokenize", "resize", "seed", "map", "train", "evaluate", "export"];
    private readonly string _dir = TestPaths.NewTempDir("ft-e2e");

    private string WriteRecipe(Func<string, string>? edit = null)
    {
        var text = TinyRecipe.Text("export/think-answer-tiny");
        var path = Path.Combine(_dir, "think-answer-tiny.yaml");
        File.WriteAllText(path, edit?.Invoke(text) ?? text);
        return path;
    }

    private static string Short(string text) => TinyRecipe.Short(text, 5);

    /// <summary>Runs the tool with --json and returns each stage's status (ran, cached, skipped).</summary>
    private async Task<Dictionary<string, string>> Run(params string[] extra)
    {
        var r = await ToolProcess.Run(_dir, ["run", "think-answer-tiny.yaml", "--store", "store", "--json", .. extra]);
        Assert.True(r.ExitCode == 0, r.StandardError + r.StandardOutput);
        return r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonNode.Parse(l)!)
            .Where(j => (string?)j["event"] == "stage")
            .ToDictionary(j => (string)j["stage"]!, j => (string)j["status"]!);
    }

    private async Task<Dictionary<string, JsonNode>> Plan()
    {
        var r = await ToolProcess.Run(_dir, "plan", "think-answer-tiny.yaml", "--store", "store", "--json");
        Assert.True(r.ExitCode == 0, r.StandardError);
        return r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonNode.Parse(l)!).ToDictionary(j => (string)j["stage"]!);
    }

    private JsonNode Read(string stage, string file)
    {
        var key = (string)JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "think-answer-tiny.lock")))!["stages"]![stage]!["key"]!;
        return JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "store", stage, key, file)))!;
    }

    [Fact]
    public async Task Tiny_recipe_learns_the_format_exports_with_parity_and_reruns_only_what_changed()
    {
        WriteRecipe();
        var first = await Run();
        Assert.All(Stages, s => Assert.Equal("ran", first[s]));

        var eval = Read("evaluate", "eval.json");
        Assert.True((double)eval["format_compliance"]!["after"]! >= 0.95, eval.ToJsonString());
        Assert.True((double)eval["format_compliance"]!["before"]! <= 0.05, eval.ToJsonString());
        Assert.True((double)eval["eval_loss"]!["after"]! < (double)eval["eval_loss"]!["before"]!);
        var parity = Read("export", "parity.json");
        Assert.True((double)parity["max_abs_logit_diff"]! <= 1e-4, parity.ToJsonString());
        Assert.True(File.Exists(Path.Combine(_dir, "export", "think-answer-tiny", "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(_dir, "export", "think-answer-tiny", "tokenizer_config.json")));

        // The exported folder chats: one-shot answer in the learnt format (plain text when not a terminal).
        var chat = await ToolProcess.Run(_dir, "chat", Path.Combine("export", "think-answer-tiny"), "Tom has 4 red balls. He finds 3 more. How many balls does Tom have now?", "--max-new-tokens", "96");
        Assert.True(chat.ExitCode == 0, chat.StandardError);
        Assert.Matches("^<think>.+</think><answer>.+</answer>\n$", chat.StandardOutput);

        var second = await Run();
        Assert.All(Stages, s => Assert.Equal("cached", second[s]));

        // The reruns check what reruns, not learning: each edit also shortens training and evaluation
        // (train.max_steps and evaluate settings move the same stages as the edit itself, see recipes/KEYS.md).
        WriteRecipe(t => Short(t.Replace("learning_rate: 3.0e-3", "learning_rate: 2.0e-3")));
        var plan = await Plan();
        Assert.Contains("""{"kind":"param","key":"train.learning_rate","before":"0.003","after":"0.002"}""", plan["train"]["reasons"]!.AsArray().Select(r => r!.ToJsonString()));
        var lr = await Run();
        Assert.Equal(["cached", "cached", "cached", "cached", "ran", "ran", "ran"], Stages.Select(s => lr[s]));

        WriteRecipe(t => Short(t.Replace("add: [\"<think>\", \"</think>\", \"<answer>\", \"</answer>\"]", "add: [\"<think>\", \"</think>\", \"<answer>\", \"</answer>\", \"<check>\"]")));
        plan = await Plan();
        Assert.All(Stages, s => Assert.False((bool)plan[s]["cached"]!, s));
        Assert.Contains(("upstream", "tokenize"), plan["map"]["reasons"]!.AsArray().Select(r => ((string)r!["kind"]!, (string)r["key"]!)));
        var tokens = await Run();
        Assert.All(Stages, s => Assert.Equal("ran", tokens[s]));
    }
}
