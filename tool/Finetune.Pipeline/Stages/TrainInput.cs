using System.Text.Json.Serialization;
using Finetune.Recipes;
using Finetune.Torch.Training.Loop;
using Finetune.Torch.Training.Lora;
using static TorchSharp.torch;
using TorchOptimizer = Finetune.Torch.Training.Optimizers.OptimizerKind;

namespace Finetune.Pipeline.Stages;

/// <summary>
/// What the train stage reads: <c>train:</c>, the device and the base model. <see cref="Options"/> is the one
/// place recipe training values become trainer options.
/// </summary>
public sealed record TrainInput : StageInput
{
    [JsonPropertyName("train")] public required TrainSection Train { get; init; }

    [JsonPropertyName("model.device")] public required ModelDevice Device { get; init; }

    [JsonIgnore] public required string ModelPath { get; init; }

    public static TrainInput From(Recipe recipe) => new()
    {
        Train = recipe.Train,
        Device = recipe.Model.Device,
        ModelPath = recipe.ResolvePath(recipe.Model.Path),
    };

    public override IReadOnlyDictionary<string, string> Files() => Labelled(ModelFiles.Config(ModelPath).Concat(ModelFiles.Weights(ModelPath)));

    /// <summary>
    /// With <c>method: lora</c>, the adapter's settings: <c>train.lora</c>, the added tokens' rows from the resize
    /// plan (old rows up to the tokenizer's size; padding rows never train), the training seed. Null for full fine-tuning.
    /// </summary>
    public LoraOptions? Lora(ResizePlan plan)
    {
        if (Train.Method != TrainMethod.Lora) return null;
        var l = Train.Lora;
        return new LoraOptions
        {
            Rank = l.Rank,
            Alpha = l.Alpha,
            Dropout = l.Dropout,
            Targets = l.Targets.Select(TargetName).ToList(),
            TrainNewRows = l.NewRows == LoraNewRows.Train,
            FirstNewRow = plan.OldRows,
            NewRowCount = Math.Max(0, plan.VocabSize - plan.OldRows),
            Seed = (ulong)Train.Seed,
        };
    }

    private static string TargetName(LoraTarget target) => target switch
    {
        LoraTarget.AllLinear => LoraOptions.AllLinearName,
        LoraTarget.QProj => "q_proj",
        LoraTarget.KProj => "k_proj",
        LoraTarget.VProj => "v_proj",
        LoraTarget.OProj => "o_proj",
        LoraTarget.GateProj => "gate_proj",
        LoraTarget.UpProj => "up_proj",
        _ => "down_proj",
    };

    /// <summary>The trainer's settings: <c>train:</c> plus what the upstream entries say (new rows, padding, pad id).</summary>
    public TrainerOptions Options(ResizePlan plan, int padId, ScalarType dtype, Device device)
    {
        var t = Train;
        return new()
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
            Optimizer = t.Optimizer == OptimizerKind.Adamw8bit ? TorchOptimizer.AdamW8bit : TorchOptimizer.AdamW,
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
            Checkpointing = t.Checkpointing,
            MaxSeqLength = t.MaxSeqLength,
            FreezeNewRowsSteps = t.FreezeNewRowsSteps,
            FirstNewRow = plan.OldRows,
            PadId = padId,
            RealVocabSize = plan.VocabSize,
            DType = dtype,
            MasterWeights = true, // bf16 training keeps fp32 masters, as HF's bf16 mixed precision does
            Device = device.ToString(),
        };
    }
}
