using System.Diagnostics;
using Finetune.Torch.Models;
using TorchSharp;
using static TorchSharp.torch;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Loop;
using Finetune.Torch.Training.Lora;

namespace Finetune.Torch.Training.Bench;

/// <summary>
/// The library side of <c>bench train</c>: optimizer steps of the trainer's own pieces (forward, summed
/// token loss over all positions / token count, backward, clip at 1.0, AdamW step) on random token ids,
/// timed per step after warm-up; with a LoRA rank, the same steps over a frozen base with only the adapter training. The same work as the peers in <c>bench/torch_peer_train.py</c> (CPU)
/// and <c>hf_peer_train.py</c> (GPU), whose presets these are.
/// </summary>
public static class TrainBench
{
    public static IReadOnlyDictionary<string, Func<ModelConfig>> Presets { get; } = new Dictionary<string, Func<ModelConfig>>
    {
        ["tiny"] = () => new ModelConfig
        {
            HiddenSize = 256, IntermediateSize = 688, NumHiddenLayers = 4, NumAttentionHeads = 8, NumKeyValueHeads = 2,
            VocabSize = 1000, TieWordEmbeddings = true, RmsNormEps = 1e-6, RopeTheta = 10000, MaxPositionEmbeddings = 2048,
        },
        ["llama-3.2-1b"] = () => new ModelConfig
        {
            HiddenSize = 2048, IntermediateSize = 8192, NumHiddenLayers = 16, NumAttentionHeads = 32, NumKeyValueHeads = 8,
            HeadDimension = 64, VocabSize = 128260, TieWordEmbeddings = true, RmsNormEps = 1e-5, RopeTheta = 500000,
            MaxPositionEmbeddings = 131072,
            RopeScaling = new RopeScaling { RopeType = "llama3", Factor = 32, LowFreqFactor = 1, HighFreqFactor = 4, OriginalMaxPositionEmbeddings = 8192 },
        },
    };

    public static TrainBenchResult Run(TrainBenchOptions options)
    {
        options.Validate();
        if (options.Threads is int threads) set_num_threads(threads);
        var device = torch.device(options.Device);
        manual_seed((long)options.Seed);
        var phases = new List<MemoryPhase>();
        void Mark(string phase) => phases.Add(MemoryPhase.Now(phase));
        Mark("runtime");
        using var model = options.ModelPath is null
            ? new CausalLM(options.Config(), options.DType, device)
            : CausalLM.Load(options.ModelPath!, options.DType, device);
        model.model.GradientCheckpointing = options.Checkpointing;
        Mark("model");
        var modelParameters = model.named_parameters().Select(p => (p.name, p.parameter)).ToList();
        int vocab = model.Config.VocabSize, newRows = Math.Min(options.NewRows, vocab);
        using var adapter = options.LoraRank is int rank
            ? LoraAdapter.Attach(model, new LoraOptions { Rank = rank, Alpha = 2 * rank, FirstNewRow = vocab - newRows, NewRowCount = newRows, Seed = options.Seed })
            : null;
        using var masters = adapter is null && options.DType == ScalarType.BFloat16 && options.MasterWeights ? new MasterWeights(modelParameters) : null;
        var parameters = adapter?.Parameters ?? masters?.Parameters ?? modelParameters;
        using var optimizer = TrainingOptimizers.Create(options.Optimizer, parameters, new AdamWOptions { LearningRate = 1e-4 });
        Mark("optimizer state");
        var generator = new torch.Generator(options.Seed);
        var times = new List<double>();
        var forwardTimes = new List<double>();
        var backwardTimes = new List<double>();
        var optimizerTimes = new List<double>();
        double loss = double.NaN;
        for (int step = 0; step < options.WarmupSteps + options.Steps; step++)
        {
            using var scope = NewDisposeScope();
            var ids = randint(model.Config.VocabSize, [options.Batch, options.Seq], ScalarType.Int64, generator: generator).to(device);
            var mask = ones([options.Batch, options.Seq], ScalarType.Bool, device);
            var clock = Stopwatch.StartNew();
            var accumulator = new GradientAccumulator((long)options.Batch * (options.Seq - 1));
            bool first = step == 0;
            var lossSum = MaskedCrossEntropy.NextTokenSum(model, ids, mask);
            double forwardEnd = clock.Elapsed.TotalSeconds;
            if (first) Mark("forward");
            accumulator.Backward(lossSum);
            double backwardEnd = clock.Elapsed.TotalSeconds;
            if (first) Mark("backward");
            masters?.TakeGradients();
            GradientClipping.ClipByGlobalNorm(parameters.Select(p => p.P), 1.0);
            optimizer.Step();
            if (first) Mark("step");
            optimizer.ZeroGrad();
            masters?.CopyToModel();
            loss = accumulator.Loss;           // reading it synchronises the device
            if (step >= options.WarmupSteps)
            {
                times.Add(clock.Elapsed.TotalSeconds);
                forwardTimes.Add(forwardEnd);
                backwardTimes.Add(backwardEnd - forwardEnd);
                optimizerTimes.Add(times[^1] - backwardEnd);
            }
        }
        static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
        double median = Median(times);
        return new TrainBenchResult
        {
            Model = options.ModelPath ?? options.Preset ?? "custom",
            Checkpointing = options.Checkpointing,
            Phases = phases,
            PlannedPeakMb = options.ModelPath is null ? options.Plan(model.Config).TotalBytes / 1048576.0 + phases[0].RssMb : null,
            Parameters = parameters.Sum(p => p.P.numel()),
            Batch = options.Batch,
            Seq = options.Seq,
            Steps = options.Steps,
            Method = options.LoraRank is int r ? $"lora r={r}" : "full",
            Optimizer = options.Optimizer == OptimizerKind.AdamW ? "adamw" : "adamw_8bit",
            Dtype = options.DType != ScalarType.BFloat16 ? "fp32" : masters != null ? "bf16-mixed" : adapter != null ? "bf16 base, fp32 adapter" : "bf16",
            Device = device.ToString(),
            Threads = get_num_threads(),
            TokensPerS = options.Batch * options.Seq / median,
            StepSMedian = median,
            StepSMin = times.Min(),
            // On CPU each part is synchronous; on CUDA kernels queue, so only the step total is a wall time.
            ForwardSMedian = Median(forwardTimes),
            BackwardSMedian = Median(backwardTimes),
            OptimizerSMedian = Median(optimizerTimes),
            PeakRssMb = PeakRssMb(),
            CudaPeakMemoryMb = null,
            FinalLoss = loss,
        };
    }

    /// <summary>VmHWM in MiB, or null off Linux.</summary>
    public static double? PeakRssMb() => ProcessMemory.PeakRssBytes() / (1024.0 * 1024.0);
}
