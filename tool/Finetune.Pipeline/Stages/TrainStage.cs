using System.Diagnostics;
using System.Text.Json.Nodes;
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

/// <summary>Reads <c>train:</c>: the fine-tuned model.safetensors, metrics.jsonl and resumable checkpoints.</summary>
public sealed class TrainStage(Recipe recipe) : RecipeStage(recipe)
{
    public override string Name => "train";

    public override int Version => 1;

    public override IReadOnlyList<string> Upstream => ["tokenize", "resize", "seed", "map"];

    public override StageDeclaration Declare() => new(
        new JsonObject
        {
            ["train"] = Section(Recipe.Train),
            ["dtype"] = Value(Recipe.Model.Dtype),
            ["device"] = Value(Recipe.Model.Device),
        },
        ModelFiles.Config(ModelPath).Concat(ModelFiles.Weights(ModelPath)).DistinctBy(f => f.Label).ToDictionary(f => f.Label, f => f.Path));

    /// <summary>The fine-tuned, resized model inside the stage output: config.json + model.safetensors.</summary>
    public const string ModelFolder = "model";

    public const string MetricsFile = "metrics.jsonl";

    public const string SummaryFile = "train.json";

    public override void Run(StageRun run)
    {
        var plan = ResizePlan.Read(run.UpstreamDir("resize"));
        var tokenizer = HfTokenizer.FromFolder(Path.Combine(run.UpstreamDir("tokenize"), TokenizeStage.TokenizerFolder));
        var (device, dtype) = Placement(Recipe);
        using var model = CausalLM.Load(ModelPath, dtype, device);
        SeedPatch.Apply(model, Path.Combine(run.UpstreamDir("seed"), SeedPatch.FileName));
        var mapDir = run.UpstreamDir("map");
        using var train = TokenShard.Open(Path.Combine(mapDir, DatasetMapper.TrainShard));
        var testPrefix = Path.Combine(mapDir, DatasetMapper.TestShard);
        using var test = File.Exists(TokenShard.OffsetsPath(testPrefix)) ? TokenShard.Open(testPrefix) : null;
        var options = Options(Recipe.Train, plan, tokenizer, dtype, device);

        if (!run.Resume) ClearFolder(run.WorkDir); // a fresh run never picks up an old attempt's checkpoints
        using var trainer = new SftTrainer(model, train, test, options, run.WorkDir);
        if (run.Resume)
            run.Report(trainer.Resume() ? $"resuming at step {trainer.Step} of {trainer.TotalSteps}" : "no checkpoint to resume from: starting at step 0");
        run.Report($"{trainer.TotalSteps} optimizer steps on {train.RowCount} rows ({Value(Recipe.Train.Optimizer)}, {dtype}, {device})");
        var result = trainer.Train(new ProgressLines(run, Recipe.Train.LogEvery), run.Cancellation);

        model.SaveHuggingFace(Path.Combine(run.OutputDir, ModelFolder));
        File.Copy(trainer.MetricsPath, Path.Combine(run.OutputDir, MetricsFile));
        var summary = new JsonObject
        {
            ["steps"] = result.Steps,
            ["last_loss"] = result.LastLoss,
            ["last_eval_loss"] = result.LastEvalLoss,
            ["tokens_per_second"] = Math.Round(result.TokensPerSecond, 1),
            ["seconds"] = Math.Round(result.ElapsedSeconds, 2),
            ["dtype"] = dtype.ToString(),
            ["device"] = device.ToString(),
        };
        File.WriteAllText(Path.Combine(run.OutputDir, SummaryFile), summary.ToJsonString(Indented));
        run.Report($"trained {result.Steps} steps: loss {result.LastLoss:0.0000}{(result.LastEvalLoss is double e ? $", eval loss {e:0.0000}" : "")}");
    }

    /// <summary><c>model.device: auto</c> picks CUDA when present; <c>train.precision: auto</c> is bf16 on CUDA, fp32 on CPU.</summary>
    public static (Device Device, ScalarType DType) Placement(Recipe recipe)
    {
        bool cuda = recipe.Model.Device switch
        {
            ModelDevice.Cuda => cuda_is_available() ? true : throw new PipelineException($"{recipe.SourcePath}: model.device is cuda but no CUDA device is available (build with -p:TorchBackend=cuda on a machine with a GPU, or use device: auto)"),
            ModelDevice.Cpu => false,
            _ => cuda_is_available(),
        };
        var dtype = recipe.Train.Precision switch
        {
            TrainPrecision.Fp32 => ScalarType.Float32,
            TrainPrecision.Bf16 => ScalarType.BFloat16,
            _ => cuda ? ScalarType.BFloat16 : ScalarType.Float32,
        };
        return (cuda ? CUDA : CPU, dtype);
    }

    private static TrainerOptions Options(TrainSection t, ResizePlan plan, HfTokenizer tokenizer, ScalarType dtype, Device device) => new()
    {
        Epochs = t.Epochs,
        MaxSteps = t.MaxSteps,
        BatchSize = t.BatchSize,
        GradientAccumulation = t.GradientAccumulation,
        LearningRate = t.LearningRate,
        WarmupRatio = t.WarmupRatio,
        Schedule = t.Schedule switch
        {
            LearningRateSchedule.Cosine => ScheduleKind.Cosine,
            LearningRateSchedule.Constant => ScheduleKind.Constant,
            _ => ScheduleKind.Linear,
        },
        Optimizer = t.Optimizer == Recipes.OptimizerKind.Adamw8bit ? Torch.Training.Optimizers.OptimizerKind.AdamW8bit : Torch.Training.Optimizers.OptimizerKind.AdamW,
        Beta1 = t.AdamBeta1,
        Beta2 = t.AdamBeta2,
        Eps = t.AdamEpsilon,
        WeightDecay = t.WeightDecay,
        MaxGradNorm = t.MaxGradNorm,
        EvalEvery = t.EvalEvery,
        LogEvery = t.LogEvery,
        Save = t.Save.EverySteps is int n ? SavePolicy.Steps(n) : t.Save.OnlyAtEnd ? SavePolicy.End : SavePolicy.Epoch,
        Seed = (ulong)t.Seed,
        Packing = t.Packing,
        GroupByLength = t.GroupByLength,
        MaxSeqLength = t.MaxSeqLength,
        FreezeNewRowsSteps = t.FreezeNewRowsSteps,
        FirstNewRow = plan.OldRows,
        PadId = tokenizer.PadId ?? tokenizer.EosIds.FirstOrDefault(),
        RealVocabSize = plan.VocabSize,
        DType = dtype,
        Device = device.ToString(),
    };

    private static void ClearFolder(string folder)
    {
        foreach (var f in Directory.EnumerateFiles(folder)) File.Delete(f);
        foreach (var d in Directory.EnumerateDirectories(folder)) Directory.Delete(d, recursive: true);
    }

    /// <summary>A progress line (step, loss, lr, tokens/s, ETA) every <c>log_every</c> steps and at most every few seconds otherwise.</summary>
    private sealed class ProgressLines(StageRun run, int every) : IProgress<TrainerProgress>
    {
        private readonly Stopwatch _since = Stopwatch.StartNew();

        public void Report(TrainerProgress p)
        {
            if (p.Step % every != 0 && p.Step != p.TotalSteps && _since.Elapsed.TotalSeconds < 10) return;
            _since.Restart();
            run.Report($"step {p.Step}/{p.TotalSteps}  loss {p.Loss:0.0000}  lr {p.LearningRate:0.00e+0}  {p.TokensPerSecond:n0} tok/s  ETA {p.Eta:hh\\:mm\\:ss}");
        }
    }
}
