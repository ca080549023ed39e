using System.ComponentModel;
using System.Globalization;
using Spectre.Console.Cli;
using static TorchSharp.torch;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;
using Finetune.Torch.Models;

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

        [CommandOption("--hidden <N>")]
        [Description("Random model: hidden size (changes the preset's, tiny by default).")]
        public int? Hidden { get; init; }

        [CommandOption("--layers <N>")]
        [Description("Random model: decoder layers.")]
        public int? Layers { get; init; }

        [CommandOption("--heads <N>")]
        [Description("Random model: attention heads (head_dim = hidden / heads).")]
        public int? Heads { get; init; }

        [CommandOption("--kv-heads <N>")]
        [Description("Random model: key/value heads (a divisor of --heads).")]
        public int? KvHeads { get; init; }

        [CommandOption("--inter <N>")]
        [Description("Random model: MLP intermediate size.")]
        public int? Inter { get; init; }

        [CommandOption("--vocab <N>")]
        [Description("Random model: vocabulary size.")]
        public int? Vocab { get; init; }

        [CommandOption("--tied")]
        [Description("Random model: tie the head to the embedding.")]
        public bool Tied { get; init; }

        [CommandOption("--untied")]
        [Description("Random model: a separate head.")]
        public bool Untied { get; init; }

        [CommandOption("--checkpointing")]
        [Description("Recompute each decoder block in backward (activation checkpointing).")]
        public bool Checkpointing { get; init; }

        [CommandOption("--dry-run")]
        [Description("Print the planned memory breakdown (weights, gradients, optimizer state, activations, head) and stop.")]
        public bool DryRun { get; init; }

        public bool Reshaped => Hidden != null || Layers != null || Heads != null || KvHeads != null || Inter != null || Vocab != null || Tied || Untied;

        public Func<ModelConfig, ModelConfig>? Shape() => !Reshaped ? null : config =>
        {
            int hidden = Hidden ?? config.HiddenSize, heads = Heads ?? config.NumAttentionHeads;
            return config with
            {
                HiddenSize = hidden,
                NumHiddenLayers = Layers ?? config.NumHiddenLayers,
                NumAttentionHeads = heads,
                NumKeyValueHeads = KvHeads ?? (Heads is null ? config.NumKeyValueHeads : heads),
                HeadDimension = Hidden is null && Heads is null ? config.HeadDimension : hidden / heads,
                IntermediateSize = Inter ?? config.IntermediateSize,
                VocabSize = Vocab ?? config.VocabSize,
                TieWordEmbeddings = Tied || (!Untied && config.TieWordEmbeddings),
            };
        };

        public override Spectre.Console.ValidationResult Validate() =>
            Model is not null && Preset is not null ? Spectre.Console.ValidationResult.Error("give one of --model PATH and --preset NAME, not both")
            : Model is not null && (Reshaped || DryRun) ? Spectre.Console.ValidationResult.Error("--hidden, --layers, --heads, --kv-heads, --inter, --vocab, --tied/--untied and --dry-run describe a random model; drop --model")
            : Tied && Untied ? Spectre.Console.ValidationResult.Error("give --tied or --untied, not both")
            : new[] { Hidden, Layers, Heads, KvHeads, Inter, Vocab }.Any(v => v is < 1) ? Spectre.Console.ValidationResult.Error("shape options must be at least 1")
            : Heads is int h && (Hidden ?? 0) % h != 0 && Hidden is not null ? Spectre.Console.ValidationResult.Error($"--hidden {Hidden} is not a multiple of --heads {h}")
            : KvHeads is int kv && Heads is int qh && qh % kv != 0 ? Spectre.Console.ValidationResult.Error($"--heads {qh} is not a multiple of --kv-heads {kv}")
            : Preset is not null && !TrainBench.Presets.ContainsKey(Preset) ? Spectre.Console.ValidationResult.Error($"--preset {Preset}: unknown (known: {string.Join(", ", TrainBench.Presets.Keys)})")
            : Optimizer is not ("adamw" or "adamw_8bit") ? Spectre.Console.ValidationResult.Error($"--optimizer {Optimizer}: expected adamw or adamw_8bit")
            : Method is not ("full" or "lora") ? Spectre.Console.ValidationResult.Error($"--method {Method}: expected full or lora")
            : Rank < 1 ? Spectre.Console.ValidationResult.Error("--rank must be at least 1")
            : Method == "lora" && DryRun ? Spectre.Console.ValidationResult.Error("--dry-run plans full fine-tuning; measure LoRA with a run")
            : DType is not (null or "fp32" or "bf16") ? Spectre.Console.ValidationResult.Error($"--dtype {DType}: expected fp32 or bf16")
            : Batch < 1 || Seq < 1 || Steps < 1 || Warmup < 0 ? Spectre.Console.ValidationResult.Error("--batch, --seq and --steps must be at least 1")
            : Spectre.Console.ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        bool cuda = cuda_is_available();
        var dtype = settings.DType switch { "fp32" => ScalarType.Float32, "bf16" => ScalarType.BFloat16, _ => cuda ? ScalarType.BFloat16 : ScalarType.Float32 };
        var options = new TrainBenchOptions
        {
            Shape = settings.Shape(),
            Checkpointing = settings.Checkpointing,
            Preset = settings.Model is null ? settings.Preset ?? "tiny" : null,
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
        };
        if (settings.DryRun)
        {
            var config = options.Config();
            var plan = options.Plan(config);
            string json = System.Text.Json.JsonSerializer.Serialize(new
            {
                parameters = TrainMemoryPlan.ParameterCount(config),
                weights_mb = plan.WeightBytes / 1048576.0,
                gradients_mb = plan.GradientBytes / 1048576.0,
                master_weights_mb = plan.MasterWeightBytes / 1048576.0,
                optimizer_state_mb = plan.OptimizerStateBytes / 1048576.0,
                activations_mb = plan.ActivationBytes / 1048576.0,
                head_and_loss_mb = plan.HeadAndLossBytes / 1048576.0,
                fp32_step_gradients_mb = plan.StepGradientBytes / 1048576.0,
                end_of_backward_mb = plan.BackwardBytes / 1048576.0,
                optimizer_step_mb = plan.StepBytes / 1048576.0,
                total_mb = plan.TotalBytes / 1048576.0,
            });
            settings.Report(json, string.Create(CultureInfo.InvariantCulture,
                $"planned memory of one step, batch {settings.Batch} x seq {settings.Seq}, {TrainMemoryPlan.ParameterCount(config):N0} parameters (plus the runtime, about 0.3-0.5 GB):\n{plan.Describe().TrimEnd()}"));
            return CliApp.Ok;
        }
        var result = TrainBench.Run(options);
        settings.Report(result.ToJson(), string.Create(CultureInfo.InvariantCulture,
            $"train: {result.Model} ({result.Method}, {result.Parameters:N0} trainable), batch {result.Batch} x seq {result.Seq}, {result.Dtype} on {result.Device}: {result.TokensPerS:N0} tokens/s, {result.StepSMedian * 1000:0.0} ms/step (median; forward {result.ForwardSMedian * 1000:0.0}, backward {result.BackwardSMedian * 1000:0.0}, optimizer {result.OptimizerSMedian * 1000:0.0}), peak RSS {result.PeakRssMb:0} MB{(result.PlannedPeakMb is double p ? $" (planned {p:0} MB)" : "")}\n  first step, RSS/peak MB: {string.Join(", ", result.Phases.Select(ph => $"{ph.Phase} {ph.RssMb:0}/{ph.PeakMb:0}"))}"));
        return CliApp.Ok;
    }
}
