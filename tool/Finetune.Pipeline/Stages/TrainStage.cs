using System.Globalization;
using System.Text.Json.Nodes;
using Finetune.Pipeline.Mapping;
using Finetune.Text.Tokenizers;
using Finetune.Torch.Models;
using Finetune.Torch.Seeding;
using static TorchSharp.torch;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Loop;
using Finetune.Torch.Training.Lora;

namespace Finetune.Pipeline.Stages;

/// <summary>
/// Reads <c>train:</c>: the fine-tuned model.safetensors, metrics.jsonl and resumable checkpoints. With
/// <c>method: lora</c> the base is frozen and only the adapter trains; the model folder then holds the merged
/// weights (so evaluate and export read one kind of model) and <c>adapter/</c> the adapter in PEFT's layout.
/// </summary>
public sealed class TrainStage(TrainInput input) : Stage<TrainInput>(input)
{
    public override string Name => "train";

    public override int Version => 1;

    public override IReadOnlyList<string> Upstream => ["tokenize", "resize", "seed", "map"];

    /// <summary>The fine-tuned, resized model inside the stage output: config.json + model.safetensors.</summary>
    public const string ModelFolder = "model";

    public const string MetricsFile = "metrics.jsonl";

    /// <summary>With <c>save: epoch</c>: <c>checkpoints/checkpoint-STEP/</c>, the model (or LoRA adapter) at each epoch's end and after the last step, HF's names.</summary>
    public const string CheckpointsFolder = "checkpoints";

    public const string SummaryFile = "train.json";

    /// <summary>With <c>method: lora</c>: adapter_config.json + adapter_model.safetensors (<see cref="PeftAdapter"/>).</summary>
    public const string AdapterFolder = "adapter";

    protected override void Run(TrainInput input, StageRun run)
    {
        var plan = ResizePlan.Read(run.UpstreamDir("resize"));
        var tokenizer = HfTokenizer.FromFolder(Path.Combine(run.UpstreamDir("tokenize"), TokenizeStage.TokenizerFolder));
        var device = Placement.DeviceOf(input.Device);
        var dtype = Placement.DTypeOf(input.Train.Precision, device);
        using var model = CausalLM.Load(input.ModelPath, dtype, device);
        SeedPatch.Apply(model, Path.Combine(run.UpstreamDir("seed"), SeedPatch.FileName));
        var mapDir = run.UpstreamDir("map");
        using var train = TokenShard.Open(Path.Combine(mapDir, DatasetMapper.TrainShard));
        var testPrefix = Path.Combine(mapDir, DatasetMapper.TestShard);
        using var test = File.Exists(TokenShard.OffsetsPath(testPrefix)) ? TokenShard.Open(testPrefix) : null;
        var options = input.Options(plan, tokenizer.PadId ?? tokenizer.EosIds.FirstOrDefault(), dtype, device);

        if (!run.Resume) ClearFolder(run.WorkDir); // a fresh run never picks up an old attempt's checkpoints
        using var adapter = input.Lora(plan) is { } lora ? LoraAdapter.Attach(model, lora) : null;
        if (adapter != null)
            run.Report($"LoRA r={adapter.Options.Rank} alpha={adapter.Options.Alpha:g} on {string.Join(", ", adapter.Options.TargetModules)}: {adapter.TrainableCount:N0} trainable values{(adapter.Options.TrainNewRows && adapter.Options.NewRowCount > 0 ? $" (with {adapter.Options.NewRowCount} new rows)" : "")}; the base is frozen");
        using var trainer = new SftTrainer(model, train, test, options, run.WorkDir, adapter);
        if (run.Resume)
            run.Report(trainer.Resume() ? $"resuming at step {trainer.Step} of {trainer.TotalSteps}" : "no checkpoint to resume from: starting at step 0");
        run.Report($"{trainer.TotalSteps} optimizer steps on {train.RowCount} rows ({Spelling(input.Train.Optimizer)}, {dtype}, {device})");
        var result = trainer.Train(new TrainProgress(run), run.Cancellation);

        if (adapter != null)
        {
            PeftAdapter.Save(Path.Combine(run.OutputDir, AdapterFolder), adapter, input.ModelPath, plan.Tied);
            adapter.Merge();                                                        // W + alpha/r B A, the trained rows written
        }
        model.SaveHuggingFace(Path.Combine(run.OutputDir, ModelFolder));
        File.Copy(trainer.MetricsPath, Path.Combine(run.OutputDir, MetricsFile));
        KeepEpochCheckpoints(run, input, plan.Tied, adapter?.Options);
        var summary = new JsonObject
        {
            ["steps"] = result.Steps,
            ["last_loss"] = result.LastLoss,
            ["last_eval_loss"] = result.LastEvalLoss,
            ["tokens_per_second"] = Math.Round(result.TokensPerSecond, 1),
            ["seconds"] = Math.Round(result.ElapsedSeconds, 2),
            ["dtype"] = dtype.ToString(),
            ["device"] = device.ToString(),
            ["method"] = adapter is null ? "full" : "lora",
            ["epoch_ends"] = new JsonArray(trainer.EpochEnds.Select(s => (JsonNode)s).ToArray()),
            ["trainable"] = adapter?.TrainableCount ?? model.parameters().Sum(p => p.numel()),
        };
        File.WriteAllText(Path.Combine(run.OutputDir, SummaryFile), summary.ToJsonString(Indented));
        run.Report($"trained {result.Steps} steps: loss {result.LastLoss:0.0000}{(result.LastEvalLoss is double e ? $", eval loss {e:0.0000}" : "")}");
    }

    /// <summary>
    /// <c>save: epoch</c>: the trainer's per-epoch folders become <c>checkpoints/checkpoint-STEP/</c> of the entry (so the
    /// manifest lists and verifies them). With LoRA each gets adapter_config.json beside the tensors, as PEFT's checkpoints.
    /// </summary>
    private static void KeepEpochCheckpoints(StageRun run, TrainInput input, bool tied, LoraOptions? lora)
    {
        var epochs = Path.Combine(run.WorkDir, SftTrainer.EpochsFolder);
        if (!Directory.Exists(epochs)) return;
        foreach (var source in Directory.GetDirectories(epochs, "checkpoint-*"))
        {
            var target = Directory.CreateDirectory(Path.Combine(run.OutputDir, CheckpointsFolder, Path.GetFileName(source))).FullName;
            foreach (var file in Directory.GetFiles(source)) File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
            if (lora != null)
                File.WriteAllText(Path.Combine(target, PeftAdapter.ConfigFile), PeftAdapter.Config(lora, input.ModelPath, tied).ToJsonString(Indented) + "\n");
        }
    }

    private static void ClearFolder(string folder)
    {
        foreach (var f in Directory.EnumerateFiles(folder)) File.Delete(f);
        foreach (var d in Directory.EnumerateDirectories(folder)) Directory.Delete(d, recursive: true);
    }

    /// <summary>Every step to the live bar; the log_every steps (the loss metrics.jsonl holds) are its milestones.</summary>
    private sealed class TrainProgress(StageRun run) : IProgress<TrainerProgress>
    {
        public void Report(TrainerProgress p) => run.Progress(new StageProgress(p.Step, p.TotalSteps, "step",
            Detail(p.LoggedLoss, p.LearningRate, p.TokensPerSecond), p.Eta, p.Logged));
    }

    /// <summary><c>loss 1.2345  lr 3.00e-3  8,123 tok/s</c> (<c>loss -</c> before the first logged mean).</summary>
    public static string Detail(double loggedLoss, double learningRate, double tokensPerSecond) => string.Create(CultureInfo.InvariantCulture,
        $"loss {(double.IsNaN(loggedLoss) ? "-" : loggedLoss.ToString("0.0000", CultureInfo.InvariantCulture))}  lr {learningRate:0.00e+0}  {tokensPerSecond:n0} tok/s");
}
