using System.Text.Json.Nodes;
using Finetune.Pipeline.Planning;
using Finetune.Pipeline.Tests.Stages;

namespace Finetune.Pipeline.Tests.Keys;

/// <summary>
/// A rerun after an edit gives exactly what a run from an empty store gives: same keys, and the same
/// tokenizer, patch, probe, shards, weights, eval numbers and export (timings aside).
/// </summary>
public sealed class WarmColdTests
{
    /// <summary>The tiny recipe cut down to seconds: few rows, few steps, short answers.</summary>
    private static string Small(string text) => text
        .Replace("  test_fraction: 0.1\n", "  test_fraction: 0.1\n  take: 60\n")
        .Replace("  epochs: 3\n", "  epochs: 1\n  max_steps: 3\n")
        .Replace("  test_questions: 20\n", "  test_questions: 2\n")
        .Replace("  max_new_tokens: 96\n", "  max_new_tokens: 6\n");

    private static readonly (string Name, Func<string, string> Edit)[] Edits =
    [
        ("train.learning_rate", t => t.Replace("learning_rate: 3.0e-3", "learning_rate: 2.0e-3")),
        ("seed.probe", t => t.Replace("probe: \"Lily has 3 red apples. Tom gives her 2 more. How many apples does Lily have now?\"", "probe: \"Why is the sky blue?\"")),
        ("evaluate.max_new_tokens", t => t.Replace("max_new_tokens: 6", "max_new_tokens: 4")),
    ];

    [Fact]
    public void After_each_edit_a_warm_store_run_equals_an_empty_store_run()
    {
        var warm = new StageTestKit(Small);
        var text = File.ReadAllText(warm.RecipePath);
        Assert.Contains("take: 60", text);
        Assert.Contains("max_steps: 3", text);
        warm.Run();
        foreach (var (name, edit) in Edits)
        {
            text = edit(text);
            Assert.NotEqual(File.ReadAllText(warm.RecipePath), text); // the edit applied
            File.WriteAllText(warm.RecipePath, text);
            var warmPlans = warm.Run();
            var cold = new StageTestKit(_ => text);
            var coldPlans = cold.Run();

            Assert.Equal(coldPlans.Select(p => (p.Stage, p.Key)), warmPlans.Select(p => (p.Stage, p.Key)));
            foreach (var plan in coldPlans)
                AssertSameEntry(name, plan, Path.Combine(warm.Store, plan.Stage, plan.Key), Path.Combine(cold.Store, plan.Stage, plan.Key));
        }
    }

    private static void AssertSameEntry(string edit, StagePlan plan, string warm, string cold)
    {
        var files = Files(cold);
        Assert.Equal(files, Files(warm));
        Assert.NotEmpty(files);
        foreach (var file in files.Where(f => f != "manifest.json"))
        {
            var (a, b) = (Path.Combine(warm, file), Path.Combine(cold, file));
            var same = file switch
            {
                "train.json" or "metrics.jsonl" => WithoutTimings(a) == WithoutTimings(b),
                _ => File.ReadAllBytes(a).AsSpan().SequenceEqual(File.ReadAllBytes(b)),
            };
            Assert.True(same, $"after editing {edit}: {plan.Stage}/{file} differs between the warm and the empty store");
        }
    }

    private static List<string> Files(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dir, f)).Order(StringComparer.Ordinal).ToList();

    private static readonly string[] Timings = ["seconds", "tokens_per_second", "tokens_per_s", "elapsed_s"];

    /// <summary>A JSON file (train.json) or JSON lines (metrics.jsonl) without its wall-clock fields.</summary>
    private static string WithoutTimings(string path)
    {
        IEnumerable<string> documents = path.EndsWith(".jsonl") ? File.ReadAllLines(path) : [File.ReadAllText(path)];
        return string.Join("\n", documents.Select(text =>
        {
            var json = JsonNode.Parse(text)!.AsObject();
            foreach (var key in Timings) json.Remove(key);
            return json.ToJsonString();
        }));
    }
}
