using Finetune.Recipes;
using System.Text.Json.Nodes;
using Finetune.Pipeline.Evaluation;
using Finetune.Pipeline.Mapping;
using Finetune.Text.Tokenizers;
using Finetune.Torch.Models;
using Finetune.Torch.Seeding;
using static TorchSharp.torch;
using Finetune.Torch.Training.Data;

namespace Finetune.Pipeline.Stages;

/// <summary>
/// Reads <c>evaluate:</c>: measures the seeded base (before) and the trained model (after) on the test split
/// and on generated answers, and writes eval.json, samples.jsonl, loss.png and report.md (keys in recipes/EVAL.md).
/// </summary>
public sealed class EvaluateStage(EvaluateInput input) : Stage<EvaluateInput>(input)
{
    public override string Name => "evaluate";

    public override int Version => 1;

    public override IReadOnlyList<string> Upstream => ["tokenize", "seed", "map", "train"];

    public const string EvalFile = "eval.json";
    public const string SamplesFile = "samples.jsonl";
    public const string PlotFile = "loss.png";
    public const string ReportFile = "report.md";

    protected override void Run(EvaluateInput input, StageRun run)
    {
        var tokenizerFolder = Path.Combine(run.UpstreamDir("tokenize"), TokenizeStage.TokenizerFolder);
        var tokenizer = HfTokenizer.FromFolder(tokenizerFolder);
        var newTokens = input.Add
            .Select(t => (Token: t, Id: tokenizer.TokenToId(t) ?? throw new PipelineException($"token {t} is missing from the extended tokenizer")))
            .ToList();
        var prompts = Prompts(input, run, tokenizer, tokenizerFolder);
        var chat = new ChatPrompt(input.TemplateFile, input.TemplateVars, tokenizer, tokenizerFolder);
        var probe = SeedProbe.Read(Path.Combine(run.UpstreamDir("seed"), SeedStage.ProbeFile));
        var probeIds = probe is null ? null : chat.User(probe.Prompt, input.Evaluate.Placement).Ids;
        var evaluator = new ModelEvaluator(tokenizer, input.Evaluate, newTokens,
            input.Evaluate.Placement == PromptPlacement.AfterUserTurn ? chat.GenerationPrompt : null);
        using var shard = TokenShard.Open(Path.Combine(run.UpstreamDir("map"), DatasetMapper.TestShard));
        run.Report($"{shard.RowCount} test rows, {prompts.Count} prompts to answer");

        var device = Placement.DeviceOf(input.Device);
        ModelScores before, after;
        using (var seeded = LoadSeededBase(input.ModelPath, device, run.UpstreamDir("seed"), tokenizer.VocabSize))
            before = Measure("before", seeded);
        using (var trained = LoadTrained(run.UpstreamDir("train"), device, tokenizer.VocabSize))
            after = Measure("after", trained);

        File.WriteAllText(Path.Combine(run.OutputDir, EvalFile), EvalJson.Build(before, after).ToJsonString(Indented));
        File.WriteAllLines(Path.Combine(run.OutputDir, SamplesFile), EvalJson.Samples(before, after).Select(s => s.ToJsonString(SnakeCase)));
        var history = MetricsHistory.Read(Path.Combine(run.UpstreamDir("train"), TrainStage.MetricsFile));
        LossPlot.Write(Path.Combine(run.OutputDir, PlotFile), LossCurves.Of(history, before.EvalLoss, EpochEnds(run.UpstreamDir("train"))), $"{input.Name}: loss");
        File.WriteAllText(Path.Combine(run.OutputDir, ReportFile), EvalReport.Render(input.Name, before, after, probe, PlotFile, SeedProbe.Name(input.Evaluate.Placement)));

        ModelScores Measure(string which, CausalLM model)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var scores = evaluator.Evaluate(model, shard, probeIds, prompts,
                (done, total) => run.Progress(StageProgress.Counting(done, total, $"{which}: answer", clock)), run.Cancellation);
            run.Report($"{which}: eval loss {scores.EvalLoss:0.0000}, format compliance {scores.FormatCompliance:P1}, exact match {scores.AnswerExactMatch:P1}");
            return scores;
        }
    }

    /// <summary>train.json's <c>epoch_ends</c> (none without the file or the field: a train folder made by hand, an older entry).</summary>
    private static IReadOnlyList<long> EpochEnds(string trainDir)
    {
        var path = Path.Combine(trainDir, TrainStage.SummaryFile);
        return File.Exists(path) && System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))?["epoch_ends"] is System.Text.Json.Nodes.JsonArray ends
            ? ends.Select(e => (long)e!).ToList()
            : [];
    }

    /// <summary>
    /// evaluate.prompts through the chat template, then the first test_questions rows of the test split (map's
    /// rendered prompts), each ending where evaluate.placement says.
    /// </summary>
    private static List<EvalPrompt> Prompts(EvaluateInput input, StageRun run, HfTokenizer tokenizer, string tokenizerFolder)
    {
        var chat = new ChatPrompt(input.TemplateFile, input.TemplateVars, tokenizer, tokenizerFolder);
        var placement = input.Evaluate.Placement;
        var prompts = input.Evaluate.Prompts.Select(p => new EvalPrompt("prompt", p, chat.User(p, placement).Ids, null)).ToList();
        var column = AnswerText.ExpectedColumn(input.Messages);
        var rows = TestRows.Read(Path.Combine(run.UpstreamDir("map"), DatasetMapper.TestRowsFile), input.Evaluate.TestQuestions);
        prompts.AddRange(rows.Select(r => new EvalPrompt("test", r.Question, chat.Place(r.Prompt, r.PromptIds, placement), column is null ? null : r.Column(column))));
        return prompts;
    }

    /// <summary>Before: the base weights with the seed stage's new rows (padding rows never produced), in fp32 on the training device.</summary>
    private static CausalLM LoadSeededBase(string modelPath, Device device, string seedDir, int vocabSize)
    {
        var model = CausalLM.Load(modelPath, ScalarType.Float32, device);
        SeedPatch.Apply(model, Path.Combine(seedDir, SeedPatch.FileName));
        model.RealVocabSize = vocabSize;
        model.eval();
        return model;
    }

    /// <summary>After: the train stage's fine-tuned, already resized model.</summary>
    private static CausalLM LoadTrained(string trainDir, Device device, int vocabSize)
    {
        var model = CausalLM.Load(Path.Combine(trainDir, TrainStage.ModelFolder), ScalarType.Float32, device);
        model.RealVocabSize = vocabSize;
        model.eval();
        return model;
    }
}
