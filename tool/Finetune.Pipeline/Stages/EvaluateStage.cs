using System.Text.Json.Nodes;
using Finetune.Pipeline.Evaluation;
using Finetune.Pipeline.Mapping;
using Finetune.Recipes;
using Finetune.Text.Tokenizers;
using Finetune.Torch.Models;
using Finetune.Torch.Seeding;
using static TorchSharp.torch;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Pipeline.Stages;

/// <summary>
/// Reads <c>evaluate:</c>: measures the seeded base (before) and the trained model (after) on the test split
/// and on generated answers, and writes eval.json, samples.jsonl, loss.png and report.md (keys in recipes/EVAL.md).
/// </summary>
public sealed class EvaluateStage(Recipe recipe) : RecipeStage(recipe)
{
    public override string Name => "evaluate";

    public override int Version => 1;

    public override IReadOnlyList<string> Upstream => ["tokenize", "seed", "map", "train"];

    public override StageDeclaration Declare() => new(
        new JsonObject { ["evaluate"] = Section(Recipe.Evaluate) },
        ModelFiles.Config(ModelPath).Concat(ModelFiles.Weights(ModelPath)).DistinctBy(f => f.Label).ToDictionary(f => f.Label, f => f.Path));

    public const string EvalFile = "eval.json";
    public const string SamplesFile = "samples.jsonl";
    public const string PlotFile = "loss.png";
    public const string ReportFile = "report.md";

    /// <summary>The train stage's output: the fine-tuned model folder and its metrics log.</summary>

    public override void Run(StageRun run)
    {
        var tokenizerFolder = Path.Combine(run.UpstreamDir("tokenize"), TokenizeStage.TokenizerFolder);
        var tokenizer = HfTokenizer.FromFolder(tokenizerFolder);
        var newTokens = Recipe.Tokens.Add
            .Select(t => (Token: t, Id: tokenizer.TokenToId(t) ?? throw new PipelineException($"token {t} is missing from the extended tokenizer")))
            .ToList();
        var prompts = Prompts(run, tokenizer, tokenizerFolder);
        var probe = SeedProbe.Read(Path.Combine(run.UpstreamDir("seed"), SeedStage.ProbeFile));
        var probeIds = probe is null ? null : new ChatPrompt(Recipe, tokenizer, tokenizerFolder).User(probe.Prompt, Recipe.Evaluate.Placement).Ids;
        var chat = new ChatPrompt(Recipe, tokenizer, tokenizerFolder);
        var evaluator = new ModelEvaluator(tokenizer, Recipe.Evaluate, newTokens,
            Recipe.Evaluate.Placement == PromptPlacement.AfterUserTurn ? chat.GenerationPrompt : null);
        using var shard = TokenShard.Open(Path.Combine(run.UpstreamDir("map"), DatasetMapper.TestShard));
        run.Report($"{shard.RowCount} test rows, {prompts.Count} prompts to answer");

        ModelScores before, after;
        using (var seeded = LoadSeededBase(run.UpstreamDir("seed"), tokenizer.VocabSize))
            before = Measure("before", seeded);
        using (var trained = LoadTrained(run.UpstreamDir("train"), tokenizer.VocabSize))
            after = Measure("after", trained);

        File.WriteAllText(Path.Combine(run.OutputDir, EvalFile), EvalJson.Build(before, after).ToJsonString(Indented));
        File.WriteAllLines(Path.Combine(run.OutputDir, SamplesFile), EvalJson.Samples(before, after).Select(s => s.ToJsonString(SnakeCase)));
        var history = MetricsHistory.Read(Path.Combine(run.UpstreamDir("train"), TrainStage.MetricsFile));
        LossPlot.Write(Path.Combine(run.OutputDir, PlotFile), history, $"{Recipe.Name}: loss");
        File.WriteAllText(Path.Combine(run.OutputDir, ReportFile), EvalReport.Render(Recipe.Name, before, after, probe, PlotFile, SeedProbe.Name(Recipe.Evaluate.Placement)));

        ModelScores Measure(string which, CausalLM model)
        {
            var scores = evaluator.Evaluate(model, shard, probeIds, prompts, m => run.Report($"{which}: {m}"));
            run.Report($"{which}: eval loss {scores.EvalLoss:0.0000}, format compliance {scores.FormatCompliance:P1}, exact match {scores.AnswerExactMatch:P1}");
            return scores;
        }
    }

    /// <summary>
    /// evaluate.prompts through the chat template, then the first test_questions rows of the test split (map's
    /// rendered prompts), each ending where evaluate.placement says.
    /// </summary>
    private List<EvalPrompt> Prompts(StageRun run, HfTokenizer tokenizer, string tokenizerFolder)
    {
        var chat = new ChatPrompt(Recipe, tokenizer, tokenizerFolder);
        var placement = Recipe.Evaluate.Placement;
        var prompts = Recipe.Evaluate.Prompts.Select(p => new EvalPrompt("prompt", p, chat.User(p, placement).Ids, null)).ToList();
        var column = AnswerText.ExpectedColumn(Recipe.Data.Messages);
        var rows = TestRows.Read(Path.Combine(run.UpstreamDir("map"), DatasetMapper.TestRowsFile), Recipe.Evaluate.TestQuestions);
        prompts.AddRange(rows.Select(r => new EvalPrompt("test", r.Question, chat.Place(r.Prompt, r.PromptIds, placement), column is null ? null : r.Column(column))));
        return prompts;
    }

    /// <summary>Before: the base weights with the seed stage's new rows (padding rows never produced), in fp32 on the training device.</summary>
    private CausalLM LoadSeededBase(string seedDir, int vocabSize)
    {
        var model = CausalLM.Load(ModelPath, ScalarType.Float32, TrainStage.Placement(Recipe).Device);
        SeedPatch.Apply(model, Path.Combine(seedDir, SeedPatch.FileName));
        model.RealVocabSize = vocabSize;
        model.eval();
        return model;
    }

    /// <summary>After: the train stage's fine-tuned, already resized model.</summary>
    private CausalLM LoadTrained(string trainDir, int vocabSize)
    {
        var model = CausalLM.Load(Path.Combine(trainDir, TrainStage.ModelFolder), ScalarType.Float32, TrainStage.Placement(Recipe).Device);
        model.RealVocabSize = vocabSize;
        model.eval();
        return model;
    }
}
