using System.Text.Json.Nodes;
using Finetune.Pipeline.Evaluation;
using Finetune.Pipeline.Mapping;
using Finetune.Pipeline.Stages;
using Finetune.Pipeline.Tests.Engine;
using Finetune.Recipes;
using Finetune.Testing;
using Finetune.Torch.Inference;
using Finetune.Torch.Models;
using Finetune.Torch.Seeding;
using SkiaSharp;
using static TorchSharp.torch;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Pipeline.Tests.Evaluation;

/// <summary>
/// The stage end to end on the committed tiny model: tokenize, resize, seed and map run for real through
/// the engine; the "trained" model is the seeded base saved as a Hugging Face folder, so before and after
/// must agree, and each number is checked against a computation outside the stage.
/// </summary>
public sealed class EvaluateStageTests
{
    private static readonly Lazy<Run> Shared = new(Run.Make);

    [Fact]
    public void Eval_json_has_every_key_with_before_and_after_and_equal_models_score_equal()
    {
        var json = JsonNode.Parse(File.ReadAllText(Shared.Value.Output(EvaluateStage.EvalFile)))!.AsObject();
        Assert.Equal(["eval_loss", "perplexity", "eval_tokens", "format_compliance", "tag_balance", "stop_within_budget", "answer_exact_match", "new_token_accuracy", "probe"],
            json.Select(kv => kv.Key));
        foreach (var (key, value) in json)
        {
            Assert.Equal(["before", "after"], value!.AsObject().Select(kv => kv.Key));
            Assert.True(JsonNode.DeepEquals(value["before"], value["after"]), $"{key}: the trained model is the seeded base here, yet before and after differ");
        }
        foreach (var key in new[] { "format_compliance", "stop_within_budget", "answer_exact_match" })
            Assert.InRange((double)json[key]!["after"]!, 0, 1);
        if (json["tag_balance"]!["after"] is JsonNode balance) Assert.InRange((double)balance, 0, 1);   // null when no completion uses a tag
        Assert.Equal(["<think>", "</think>", "<answer>", "</answer>"], json["new_token_accuracy"]!["after"]!.AsObject().Select(kv => kv.Key));
    }

    [Fact]
    public void Eval_loss_is_the_mean_of_the_scorers_log_probs_over_the_shards_loss_tokens()
    {
        var run = Shared.Value;
        using var model = CausalLM.Load(run.Recipe.ResolvePath(run.Recipe.Model.Path), ScalarType.Float32);
        SeedPatch.Apply(model, Path.Combine(run.Seed, SeedPatch.FileName));
        model.RealVocabSize = run.VocabSize;
        using var shard = TokenShard.Open(Path.Combine(run.Map, DatasetMapper.TestShard));
        double sum = 0;
        long count = 0, thinkCount = 0;
        int think = run.TokenId("<think>");
        for (int r = 0; r < shard.RowCount; r++)
        {
            var (ids, mask) = shard.ReadRow(r);
            var logProbs = Scorer.TokenLogProbs(model, ids);
            for (int i = 1; i < ids.Length; i++)
            {
                if (mask[i] == 0) continue;
                sum -= logProbs[i - 1];
                count++;
                if (ids[i] == think) thinkCount++;
            }
        }
        var json = JsonNode.Parse(File.ReadAllText(run.Output(EvaluateStage.EvalFile)))!;
        Assert.Equal(count, (long)json["eval_tokens"]!["before"]!);
        Assert.Equal(sum / count, (double)json["eval_loss"]!["before"]!, 4);
        Assert.Equal(Math.Exp(sum / count), (double)json["perplexity"]!["after"]!, 3);
        Assert.Equal(thinkCount, (long)json["new_token_accuracy"]!["before"]!["<think>"]!["count"]!);
        Assert.True(thinkCount > 0, "every assistant turn starts with <think>");
    }

    [Fact]
    public void Eval_loss_agrees_with_the_trainers_batched_padded_eval_loss()
    {
        var run = Shared.Value;
        using var model = CausalLM.Load(Path.Combine(run.Train, TrainStage.ModelFolder), ScalarType.Float32);
        model.RealVocabSize = run.VocabSize;
        using var shard = TokenShard.Open(Path.Combine(run.Map, DatasetMapper.TestShard));
        int pad = Finetune.Text.Tokenizers.HfTokenizer.FromFolder(run.TokenizerFolder).PadId!.Value;
        double trainers = SftTrainer.Evaluate(model, shard, batchSize: 4, pad);
        var json = JsonNode.Parse(File.ReadAllText(run.Output(EvaluateStage.EvalFile)))!;
        Assert.Equal(trainers, (double)json["eval_loss"]!["after"]!, 4);
    }

    [Fact]
    public void Probe_matches_what_the_seed_stage_measured_after_seeding()
    {
        var run = Shared.Value;
        // this recipe evaluates after the generation prompt (the default placement): the seed probe's position of that name
        var seeded = JsonNode.Parse(File.ReadAllText(Path.Combine(run.Seed, SeedStage.ProbeFile)))!["positions"]!.AsArray()
            .Single(p => (string)p!["name"]! == "after_generation_prompt")!["probabilities"]!;
        var probe = JsonNode.Parse(File.ReadAllText(run.Output(EvaluateStage.EvalFile)))!["probe"]!["before"]!;
        foreach (var token in new[] { "<think>", "</think>", "<answer>", "</answer>" })
            Assert.Equal((double)seeded[token]!["after"]!, (double)probe[token]!, 6);
    }

    [Fact]
    public void Samples_cover_the_recipe_prompts_then_the_first_test_questions_with_their_answers()
    {
        var run = Shared.Value;
        var samples = File.ReadAllLines(run.Output(EvaluateStage.SamplesFile)).Select(l => JsonNode.Parse(l)!).ToList();
        var testRows = File.ReadLines(Path.Combine(run.Map, DatasetMapper.TestRowsFile)).Take(3).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(1 + 3, samples.Count);
        Assert.Equal("prompt", (string)samples[0]["source"]!);
        Assert.Equal("Tom has 4 red balls. He finds 3 more. How many balls does Tom have now?", (string)samples[0]["prompt"]!);
        Assert.Null(samples[0]["expected"]);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal("test", (string)samples[1 + i]["source"]!);
            Assert.Equal((string)testRows[i]["columns"]!["instruction"]!, (string)samples[1 + i]["prompt"]!);
            Assert.Equal((string)testRows[i]["columns"]!["output"]!, (string)samples[1 + i]["expected"]!);
        }
        foreach (var sample in samples)
        {
            Assert.Equal((string)sample["before"]!["completion"]!, (string)sample["after"]!["completion"]!);
            int tokens = (int)sample["after"]!["tokens"]!;
            Assert.InRange(tokens, 1, Run.MaxNewTokens);
            if (!(bool)sample["after"]!["stopped"]!) Assert.Equal(Run.MaxNewTokens, tokens);
        }
    }

    [Fact]
    public void Report_and_plot_are_written()
    {
        var run = Shared.Value;
        var md = File.ReadAllText(run.Output(EvaluateStage.ReportFile));
        Assert.Contains("# Evaluation: eval-e2e", md);
        Assert.Contains("| metric | before | after |", md);
        Assert.Contains("| answer exact match |", md);
        Assert.Contains("![loss](loss.png)", md);
        Assert.Contains("| `<answer>` |", md);
        Assert.Contains("## Seed probe", md);
        Assert.Contains("**after_user_turn**", md);
        Assert.Contains("| token | before seeding | after seeding | expected after |", md);
        Assert.Contains("## Probe through training", md);
        using var bitmap = SKBitmap.Decode(run.Output(EvaluateStage.PlotFile));
        Assert.Equal((LossPlot.Width, LossPlot.Height), (bitmap.Width, bitmap.Height));
    }

    private sealed class Run
    {
        public const int MaxNewTokens = 6;

        public required Recipe Recipe { get; init; }
        public required string Seed { get; init; }
        public required string Map { get; init; }
        public required string Train { get; init; }
        public required string OutputDir { get; init; }
        public required string TokenizerFolder { get; init; }
        public int VocabSize => Finetune.Text.Tokenizers.HfTokenizer.FromFolder(TokenizerFolder).VocabSize;

        public string Output(string file) => Path.Combine(OutputDir, file);

        public int TokenId(string token) => Finetune.Text.Tokenizers.HfTokenizer.FromFolder(TokenizerFolder).TokenToId(token)!.Value;

        public static Run Make()
        {
            var dir = TestPaths.NewTempDir("eval");
            var model = Path.Combine(TestPaths.RepoRoot, "recipes", "models", "tiny-llama");
            var data = Path.Combine(TestPaths.RepoRoot, "recipes", "data", "demo-reasoning.jsonl");
            var recipePath = Path.Combine(dir, "recipe.yaml");
            File.WriteAllText(recipePath, $$$"""
                name: eval-e2e
                model: { path: "{{{model}}}", dtype: fp32 }
                tokens:
                  add: ["<think>", "</think>", "<answer>", "</answer>"]
                  pad_token: "<|finetune_right_pad_id|>"
                  pad_to_multiple_of: 8
                seed:
                  strategy: copy
                  from: "<|start_header_id|>"
                  probe: "Lily has 3 red apples. Tom gives her 2 more. How many apples does Lily have now?"
                data:
                  path: "{{{data}}}"
                  take: 24
                  test_fraction: 0.25
                  messages:
                    - { role: user, content: "{{ instruction }}" }
                    - { role: assistant, content: "<think>{{ reasoning }}</think><answer>{{ output }}</answer>" }
                evaluate:
                  prompts: ["Tom has 4 red balls. He finds 3 more. How many balls does Tom have now?"]
                  test_questions: 3
                  max_new_tokens: {{{MaxNewTokens}}}
                """);
            var recipe = RecipeLoader.Load(recipePath);
            var store = Path.Combine(dir, "store");
            var observer = new RecordingObserver();
            var keys = new Dictionary<string, string>();
            foreach (var only in new[] { "seed", "map" })
                foreach (var plan in Job.Engine(recipe, store).Run(new RunOptions { Only = only }, observer))
                    keys[plan.Stage] = plan.Key;
            string Entry(string stage) => Path.Combine(store, stage, keys[stage]);

            // The "trained" model: the seeded base (resized with padding rows), saved as the train stage saves it.
            var train = Path.Combine(dir, "train");
            using (var seeded = CausalLM.Load(model, ScalarType.Float32))
            {
                SeedPatch.Apply(seeded, Path.Combine(Entry("seed"), SeedPatch.FileName));
                seeded.SaveHuggingFace(Path.Combine(train, TrainStage.ModelFolder));
            }
            File.WriteAllText(Path.Combine(train, TrainStage.MetricsFile), """
                {"step":1,"epoch":0.5,"loss":6.4,"lr":0.001}
                {"step":2,"epoch":1.0,"loss":5.1,"lr":0.001}
                {"step":2,"eval_loss":5.5}
                """ + "\n");

            var output = Directory.CreateDirectory(Path.Combine(dir, "evaluate")).FullName;
            new EvaluateStage(EvaluateInput.From(recipe)).Run(new StageRun
            {
                Stage = "evaluate",
                Key = "test",
                OutputDir = output,
                WorkDir = Directory.CreateDirectory(Path.Combine(dir, "work")).FullName,
                UpstreamDirs = new Dictionary<string, string> { ["tokenize"] = Entry("tokenize"), ["seed"] = Entry("seed"), ["map"] = Entry("map"), ["train"] = train },
                Observer = observer,
            });
            return new Run
            {
                Recipe = recipe, Seed = Entry("seed"), Map = Entry("map"), Train = train, OutputDir = output,
                TokenizerFolder = Path.Combine(Entry("tokenize"), TokenizeStage.TokenizerFolder),
            };
        }
    }
}
