using System.ComponentModel;
using System.Globalization;
using Spectre.Console.Cli;
using static TorchSharp.torch;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Tool.Commands;

/// <summary>
/// <c>dotnet finetune bench train (--model PATH | --preset NAME) --batch B --seq S --steps N [--method full|lora --rank R] [--json] [--out FILE]</c>:
/// training steps on random token data (random weights for presets), reporting tokens/s, step time, peak
/// RSS and, on CUDA, peak GPU memory. The peers are ../shared/bench/torch_peer_train.py and hf_peer_train.py.
/// </summary>
public sealed class BenchTrainCommand : Command<BenchTrainCommand.Settings>
{
    public sealed class Settings : BenchSettings
    {
        [CommandOption("--model <PATH>")]
        [Description("A Hugging Face model folder or a .gguf file.")]
        public string? Model { get; init; }

        [CommandOption("--preset <NAME>")]
        [Description("Random weights of a known shape: tiny (the CPU peer's shape) or llama-3.2-1b.")]
        public string? Preset { get; init; }

        [CommandOption("--batch <B>")]
        [DefaultValue(8)]
        public int Batch { get; init; } = 8;

        [CommandOption("--seq <S>")]
        [DefaultValue(256)]
        public int Seq { get; init; } = 256;

        [CommandOption("--steps <N>")]
        [Description("Timed optimizer steps after the warm-up steps.")]
        [DefaultValue(10)]
        public int Steps { get; init; } = 10;

        [CommandOption("--warmup <N>")]
        [DefaultValue(2)]
        public int Warmup { get; init; } = 2;

        [CommandOption("--optimizer <KIND>")]
        [Description("adamw or adamw_8bit.")]
        [DefaultValue("adamw")]
        public string Optimizer { get; init; } = "adamw";

        [CommandOption("--dtype <DTYPE>")]
        [Description("fp32 or bf16 (default: bf16 on CUDA, fp32 on CPU).")]
        public string? DType { get; init; }

        [CommandOption("--method <METHOD>")]
        [Description("full (every weight trains) or lora (a frozen base; low-rank pairs on all linear layers and the last 4 rows train).")]
        [DefaultValue("full")]
        public string Method { get; init; } = "full";

        [CommandOption("--rank <R>")]
        [Description("LoRA rank with --method lora (alpha = 2 x rank).")]
        [DefaultValue(16)]
        public int Rank { get; init; } = 16;

        [CommandOption("--no-master-weights")]
        [Description("bf16 full fine-tuning without fp32 master weights (half the memory; what fits a 1B model in 8-bit AdamW on a small machine).")]
        public bool NoMasterWeights { get; init; }

        [CommandOption("--threads <N>")]
        [Description("CPU threads (default: torch's).")]
        public int? Threads { get; init; }

        public override Spectre.Console.ValidationResult Validate() =>
            (Model is null) == (Preset is null) ? Spectre.Console.ValidationResult.Error("give exactly one of --model PATH and --preset NAME")
            : Preset is not null && !TrainBench.Presets.ContainsKey(Preset) ? Spectre.Console.ValidationResult.Error($"--preset {Preset}: unknown (known: {string.Join(", ", TrainBench.Presets.Keys)})")
            : Optimizer is not ("adamw" or "adamw_8bit") ? Spectre.Console.ValidationResult.Error($"--optimizer {Optimizer}: expected adamw or adamw_8bit")
            : Method is not ("full" or "lora") ? Spectre.Console.ValidationResult.Error($"--method {Method}: expected full or lora")
            : Rank < 1 ? Spectre.Console.ValidationResult.Error("--rank must be at least 1")
            : DType is not (null or "fp32" or "bf16") ? Spectre.Console.ValidationResult.Error($"--dtype {DType}: expected fp32 or bf16")
            : Batch < 1 || Seq < 1 || Steps < 1 || Warmup < 0 ? Spectre.Console.ValidationResult.Error("--batch, --seq and --steps must be at least 1")
            : Spectre.Console.ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        bool cuda = cuda_is_available();
        var dtype = settings.DType switch { "fp32" => ScalarType.Float32, "bf16" => ScalarType.BFloat16, _ => cuda ? ScalarType.BFloat16 : ScalarType.Float32 };
        var result = TrainBench.Run(new TrainBenchOptions
        {
            Preset = settings.Preset,
            ModelPath = settings.Model is null ? null : ModelPaths.Require(settings.Model),
            Batch = settings.Batch,
            Seq = settings.Seq,
            Steps = settings.Steps,
            WarmupSteps = settings.Warmup,
            Optimizer = settings.Optimizer == "adamw_8bit" ? OptimizerKind.AdamW8bit : OptimizerKind.AdamW,
            DType = dtype,
            Device = cuda ? "cuda" : "cpu",
            MasterWeights = !settings.NoMasterWeights,
            LoraRank = settings.Method == "lora" ? settings.Rank : null,
            Threads = settings.Threads,
        });
        settings.Report(result.ToJson(), string.Create(CultureInfo.InvariantCulture,
            $"train: {result.Model} ({result.Method}, {result.Parameters:N0} trainable), batch {result.Batch} x seq {result.Seq}, {result.Dtype} on {result.Device}: {result.TokensPerS:N0} tokens/s, {result.StepSMedian * 1000:0.0} ms/step (median), peak RSS {result.PeakRssMb:0} MB"));
        return CliApp.Ok;
    }
}
