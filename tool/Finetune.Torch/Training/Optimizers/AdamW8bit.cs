using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Training.Optimizers;

/// <summary>
/// 8-bit AdamW as bitsandbytes' <c>AdamW8bit</c> (blockwise, the optimizer the original recipe used).
/// A parameter with at least <see cref="MinQuantizedSize"/> elements keeps exp_avg and exp_avg_sq as uint8
/// codes into the signed / unsigned dynamic map plus an fp32 absmax per 256-value block; each step
/// dequantizes, updates in fp32, updates the parameter from the fp32 moments, then requantizes with the new
/// block absmax. Smaller parameters keep fp32 moments. The update is bitsandbytes' kernel's:
/// p += -lr*c2/c1 * m / (sqrt(v) + c2*eps) with c1 = 1-b1^t, c2 = sqrt(1-b2^t), then p *= 1 - lr*wd
/// (decay after the Adam step, where torch's AdamW decays before). Work goes over chunks of
/// <see cref="ChunkElements"/> values, so temporaries stay small for 1e8-element embeddings: fp32 parameters on
/// the CPU take <see cref="AdamW8bitCpuKernel"/> (one pass per chunk), others whole-tensor torch ops.
/// Unlike bitsandbytes, non-finite gradients are not skipped per element (the trainer stops on a NaN loss).
/// </summary>
public sealed class AdamW8bit : ITrainingOptimizer
{
    /// <summary>bitsandbytes' <c>min_8bit_size</c> default: smaller tensors keep fp32 state.</summary>
    public const long MinQuantizedSize = 4096;

    /// <summary>Elements processed per batch of tensor ops (a multiple of the block size).</summary>
    public const long ChunkElements = 1L << 22;

    private readonly AdamWOptions options;
    private readonly IReadOnlyList<Slot> slots;
    private readonly BlockwiseQuantizer signedQuantizer = new(DynamicQuantizationMap.Create(signed: true));
    private readonly BlockwiseQuantizer unsignedQuantizer = new(DynamicQuantizationMap.Create(signed: false));
    private readonly float[] signedMap = DynamicQuantizationMap.Create(signed: true);
    private readonly float[] unsignedMap = DynamicQuantizationMap.Create(signed: false);

    public AdamW8bit(IReadOnlyList<(string Name, Parameter P)> parameters, AdamWOptions options)
    {
        options.Validate();
        this.options = options;
        LearningRate = options.LearningRate;
        slots = parameters.Select(p => new Slot(p.Name, p.P, ParameterGroups.IsDecayed(p.Name, p.P))).ToList();
        signedMidpoints = Midpoints(signedMap);
        unsignedMidpoints = Midpoints(unsignedMap);
        signedStarts = AdamW8bitCpuKernel.BucketStarts(signedMidpoints);
        unsignedStarts = AdamW8bitCpuKernel.BucketStarts(unsignedMidpoints);
        signedMidpoints = AdamW8bitCpuKernel.PaddedMidpoints(signedMidpoints);
        unsignedMidpoints = AdamW8bitCpuKernel.PaddedMidpoints(unsignedMidpoints);
    }

    private readonly float[] signedMidpoints;
    private readonly float[] unsignedMidpoints;
    private readonly byte[] signedStarts;
    private readonly byte[] unsignedStarts;

    public double LearningRate { get; set; }

    /// <summary>Fp32 parameters on the CPU take <see cref="AdamW8bitCpuKernel"/> (one pass); false forces the tensor path (tests compare the two).</summary>
    internal bool FusedCpuKernel { get; init; } = true;

    public void Step()
    {
        using var noGrad = no_grad();
        foreach (var slot in slots)
        {
            using var scope = NewDisposeScope();
            var grad = slot.Parameter.grad;
            if (grad is null) continue;
            var update = new UpdateConstants(options, LearningRate, slot.Advance(), slot.Decayed);
            if (slot.Quantized) StepQuantized(slot, grad, update);
            else StepFullPrecision(slot, grad, update);
        }
    }

    private static void StepFullPrecision(Slot slot, Tensor grad, UpdateConstants u)
    {
        var g = grad.to(float32);
        var m = slot.ExpAvg!.mul_(u.Beta1).add_(g, 1 - u.Beta1);
        var v = slot.ExpAvgSq!.mul_(u.Beta2).addcmul_(g, g, 1 - u.Beta2);
        ApplyUpdate(slot.Parameter, m, v, u);
    }

    private void StepQuantized(Slot slot, Tensor grad, UpdateConstants u)
    {
        bool fused = FusedCpuKernel && AdamW8bitCpuKernel.Supports(slot.Parameter);
        long n = slot.Parameter.numel();
        var flatGrad = grad.flatten();
        var flatParam = slot.Parameter.view(-1);
        for (long start = 0; start < n; start += ChunkElements)
        {
            using var scope = NewDisposeScope();
            long length = Math.Min(ChunkElements, n - start);
            long firstBlock = start / BlockwiseQuantizer.BlockSize;
            long blocks = BlockwiseQuantizer.BlockCount(length);
            var param = flatParam.narrow(0, start, length);
            var g = flatGrad.narrow(0, start, length).to(float32);
            var codes1 = slot.Codes1!.narrow(0, start, length);
            var codes2 = slot.Codes2!.narrow(0, start, length);
            var absmax1 = slot.Absmax1!.narrow(0, firstBlock, blocks);
            var absmax2 = slot.Absmax2!.narrow(0, firstBlock, blocks);
            if (fused) StepChunkCpu(param, g.contiguous(), codes1, absmax1, codes2, absmax2, u);
            else StepChunk(param, g, codes1, absmax1, codes2, absmax2, u);
        }
    }

    /// <summary>The tensor path (any device and dtype): whole-chunk torch ops.</summary>
    private void StepChunk(Tensor param, Tensor grad, Tensor codes1, Tensor absmax1, Tensor codes2, Tensor absmax2, UpdateConstants u)
    {
        var g = BlockwiseQuantizer.PadToBlocks(grad);  // (blocks, 256)
        var m = signedQuantizer.Dequantize(codes1, absmax1).mul_(u.Beta1).add_(g, 1 - u.Beta1);
        var v = unsignedQuantizer.Dequantize(codes2, absmax2).mul_(u.Beta2).addcmul_(g, g, 1 - u.Beta2);

        var step = m.div(v.sqrt().add_(u.BiasCorrection2Sqrt * u.Eps)).flatten().narrow(0, 0, param.numel());
        ApplyStep(param, step, u);

        signedQuantizer.Quantize(m, codes1, absmax1);
        unsignedQuantizer.Quantize(v, codes2, absmax2);
    }

    private void StepChunkCpu(Tensor param, Tensor grad, Tensor codes1, Tensor absmax1, Tensor codes2, Tensor absmax2, UpdateConstants u) =>
        AdamW8bitCpuKernel.Step(param, grad, codes1, absmax1, codes2, absmax2,
            signedMap, signedMidpoints, signedStarts, unsignedMap, unsignedMidpoints, unsignedStarts,
            (float)u.Beta1, (float)u.Beta2, (float)(1 - u.Beta1), (float)(1 - u.Beta2), (float)(u.BiasCorrection2Sqrt * u.Eps),
            (float)u.StepSize, (float)u.DecayFactor, u.DecayFactor != 1.0);

    private static float[] Midpoints(float[] map)
    {
        var midpoints = new float[map.Length - 1];
        for (int i = 0; i < midpoints.Length; i++) midpoints[i] = (map[i] + map[i + 1]) * 0.5f;
        return midpoints;
    }

    private static void ApplyUpdate(Tensor parameter, Tensor m, Tensor v, UpdateConstants u) =>
        ApplyStep(parameter, m.div(v.sqrt().add_(u.BiasCorrection2Sqrt * u.Eps)), u);

    /// <summary>p += step_size * step, then decoupled decay; computed in fp32 and written back in p's dtype.</summary>
    private static void ApplyStep(Tensor parameter, Tensor step, UpdateConstants u)
    {
        bool fp32 = parameter.dtype == float32;
        var updated = fp32 ? parameter : parameter.to(float32);
        updated.add_(step.view_as(parameter), u.StepSize);
        if (u.DecayFactor != 1.0) updated.mul_(u.DecayFactor);
        if (!fp32) parameter.copy_(updated);
    }

    public void ZeroGrad()
    {
        foreach (var slot in slots) slot.Parameter.grad = null;
    }

    public IReadOnlyDictionary<string, Tensor> StateDict()
    {
        var state = new Dictionary<string, Tensor>();
        foreach (var slot in slots)
            foreach (var (suffix, tensor) in slot.NamedState())
                state[$"{slot.Name}.{suffix}"] = tensor;
        return state;
    }

    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state)
    {
        foreach (var slot in slots)
        {
            foreach (var (suffix, tensor) in slot.NamedState())
                StateTensors.CopyInto(state, $"{slot.Name}.{suffix}", tensor);
            slot.SyncStepFromTensor();
        }
    }

    public void Dispose()
    {
        foreach (var slot in slots) slot.Dispose();
        signedQuantizer.Dispose();
        unsignedQuantizer.Dispose();
    }

    private readonly record struct UpdateConstants
    {
        public UpdateConstants(AdamWOptions o, double lr, long t, bool decayed)
        {
            Beta1 = o.Beta1;
            Beta2 = o.Beta2;
            Eps = o.Eps;
            BiasCorrection2Sqrt = Math.Sqrt(1 - Math.Pow(o.Beta2, t));
            StepSize = -lr * BiasCorrection2Sqrt / (1 - Math.Pow(o.Beta1, t));
            DecayFactor = decayed ? 1 - lr * o.WeightDecay : 1.0;
        }

        public double Beta1 { get; }
        public double Beta2 { get; }
        public double Eps { get; }
        public double BiasCorrection2Sqrt { get; }
        public double StepSize { get; }
        public double DecayFactor { get; }
    }

    private sealed class Slot : IDisposable
    {
        private long step;

        public Slot(string name, Parameter parameter, bool decayed)
        {
            Name = name;
            Parameter = parameter;
            Decayed = decayed;
            long n = parameter.numel();
            Quantized = n >= MinQuantizedSize;
            if (Quantized)
            {
                if (!parameter.is_contiguous())
                    throw new ArgumentException($"parameter '{name}' is not contiguous; 8-bit state is laid out over its flat storage", nameof(parameter));
                long blocks = BlockwiseQuantizer.BlockCount(n);
                Codes1 = zeros(n, uint8).DetachFromDisposeScope();
                Codes2 = zeros(n, uint8).DetachFromDisposeScope();
                Absmax1 = zeros(blocks, float32).DetachFromDisposeScope();
                Absmax2 = zeros(blocks, float32).DetachFromDisposeScope();
            }
            else
            {
                ExpAvg = zeros(parameter.shape, float32).DetachFromDisposeScope();
                ExpAvgSq = zeros(parameter.shape, float32).DetachFromDisposeScope();
            }
        }

        public string Name { get; }
        public Parameter Parameter { get; }
        public bool Decayed { get; }
        public bool Quantized { get; }
        public Tensor StepTensor { get; } = StateTensors.NewStep();
        public Tensor? ExpAvg { get; }
        public Tensor? ExpAvgSq { get; }
        public Tensor? Codes1 { get; }
        public Tensor? Codes2 { get; }
        public Tensor? Absmax1 { get; }
        public Tensor? Absmax2 { get; }

        public IEnumerable<(string Suffix, Tensor Tensor)> NamedState()
        {
            yield return ("step", StepTensor);
            if (Quantized)
            {
                yield return ("exp_avg.codes", Codes1!);
                yield return ("exp_avg.absmax", Absmax1!);
                yield return ("exp_avg_sq.codes", Codes2!);
                yield return ("exp_avg_sq.absmax", Absmax2!);
            }
            else
            {
                yield return ("exp_avg", ExpAvg!);
                yield return ("exp_avg_sq", ExpAvgSq!);
            }
        }

        public long Advance()
        {
            step++;
            StepTensor.fill_(step);
            return step;
        }

        public void SyncStepFromTensor() => step = StepTensor.item<long>();

        public void Dispose()
        {
            foreach (var (_, tensor) in NamedState()) tensor.Dispose();
        }
    }
}
