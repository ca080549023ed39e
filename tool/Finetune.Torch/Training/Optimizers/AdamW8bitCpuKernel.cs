using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static TorchSharp.torch;

namespace Finetune.Torch.Training.Optimizers;

/// <summary>
/// <see cref="AdamW8bit"/>'s quantized update for fp32 parameters on the CPU in one pass over memory: per
/// 256-value block, dequantize both moments, update them, step the parameter, then requantize with the new
/// block absmax, in the same float32 arithmetic and rounding rules as the tensor path
/// (<see cref="BlockwiseQuantizer"/>: nearest map value, ties to the lower code, the signed map's sign fix).
/// The tensor path makes ~20 passes over temporaries the size of the chunk and a searchsorted per value;
/// this one reads and writes each value once, on as many threads as libtorch uses (its workers are idle
/// during the optimizer step), eight values at a time with AVX2 and FMA (scalar where those are missing and
/// for a block's last few values).
/// </summary>
internal static class AdamW8bitCpuKernel
{
    private const int Block = BlockwiseQuantizer.BlockSize;

    /// <summary>Whether the fused kernel can take <paramref name="parameter"/> (fp32, contiguous, on the CPU).</summary>
    public static bool Supports(Tensor parameter) =>
        parameter.device_type == TorchSharp.DeviceType.CPU && parameter.dtype == ScalarType.Float32 && parameter.is_contiguous();

    /// <summary>One step over <paramref name="length"/> values: all tensors are flat, contiguous views of the same range.</summary>
    public static void Step(Tensor param, Tensor grad, Tensor codes1, Tensor absmax1, Tensor codes2, Tensor absmax2,
        float[] signedMap, float[] signedMidpoints, byte[] signedStarts, float[] unsignedMap, float[] unsignedMidpoints, byte[] unsignedStarts,
        float beta1, float beta2, float oneMinusBeta1, float oneMinusBeta2, float epsTerm, float stepSize, float decayFactor, bool decay)
    {
        var p = MemoryMarshal.Cast<byte, float>(param.bytes);
        var g = MemoryMarshal.Cast<byte, float>(grad.bytes);
        var c1 = codes1.bytes;
        var c2 = codes2.bytes;
        var a1 = MemoryMarshal.Cast<byte, float>(absmax1.bytes);
        var a2 = MemoryMarshal.Cast<byte, float>(absmax2.bytes);
        int length = p.Length, blocks = a1.Length;
        if (g.Length != length || c1.Length != length || c2.Length != length || a2.Length != blocks || blocks != (length + Block - 1) / Block)
            throw new ArgumentException("8-bit step: parameter, gradient, codes and absmax ranges disagree");

        unsafe
        {
            fixed (float* pp = p, gp = g, a1p = a1, a2p = a2, sm = signedMap, smid = signedMidpoints, um = unsignedMap, umid = unsignedMidpoints)
            fixed (byte* c1p = c1, c2p = c2, ss = signedStarts, us = unsignedStarts)
            {
                var ptr = new Pointers(pp, gp, c1p, c2p, a1p, a2p, sm, smid, um, umid, ss, us);
                var constants = new Constants(beta1, beta2, oneMinusBeta1, oneMinusBeta2, epsTerm, stepSize, decayFactor, decay);
                int threads = Math.Max(1, Math.Min(get_num_threads(), blocks / 16));
                if (threads == 1)
                {
                    RunBlocks(ptr, constants, 0, blocks, length);
                }
                else
                {
                    int per = (blocks + threads - 1) / threads;
                    Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads },
                        t => RunBlocks(ptr, constants, t * per, Math.Min(blocks, (t + 1) * per), length));
                }
            }
        }
    }

    /// <summary>The pinned buffers of one <see cref="Step"/> (valid only inside its fixed block).</summary>
    private readonly unsafe struct Pointers(float* param, float* grad, byte* codes1, byte* codes2, float* absmax1, float* absmax2,
        float* signedMap, float* signedMid, float* unsignedMap, float* unsignedMid, byte* signedStart, byte* unsignedStart)
    {
        public readonly byte* SignedStart = signedStart, UnsignedStart = unsignedStart;
        public readonly float* Param = param, Grad = grad, Absmax1 = absmax1, Absmax2 = absmax2;
        public readonly byte* Codes1 = codes1, Codes2 = codes2;
        public readonly float* SignedMap = signedMap, SignedMid = signedMid, UnsignedMap = unsignedMap, UnsignedMid = unsignedMid;
    }

    private readonly record struct Constants(float Beta1, float Beta2, float OneMinusBeta1, float OneMinusBeta2, float EpsTerm,
        float StepSize, float DecayFactor, bool Decay);

    private static unsafe void RunBlocks(Pointers ptr, Constants k, int firstBlock, int endBlock, int length)
    {
        float* m = stackalloc float[Block];
        float* v = stackalloc float[Block];
        for (int b = firstBlock; b < endBlock; b++)
        {
            int start = b * Block, count = Math.Min(Block, length - start);
            float old1 = ptr.Absmax1[b], old2 = ptr.Absmax2[b];
            float max1 = 0f, max2 = 0f;
            int i = Avx2.IsSupported && Fma.IsSupported ? UpdateVectorized(ptr, k, start, count, old1, old2, m, v, ref max1, ref max2) : 0;
            for (; i < count; i++)
            {
                int j = start + i;
                float gi = ptr.Grad[j];
                // As the tensor path's ops: (map * absmax) * beta, then add_(g, 1 - beta) (ATen's vectorized add
                // with alpha is a fused multiply-add) and addcmul_(g, g, 1 - beta2) ((value * g) * g, then added).
                float mi = MathF.FusedMultiplyAdd(k.OneMinusBeta1, gi, ptr.SignedMap[ptr.Codes1[j]] * old1 * k.Beta1);
                float vi = ptr.UnsignedMap[ptr.Codes2[j]] * old2 * k.Beta2 + k.OneMinusBeta2 * gi * gi;
                m[i] = mi;
                v[i] = vi;
                max1 = Math.Max(max1, Math.Abs(mi));
                max2 = Math.Max(max2, Math.Abs(vi));
                float updated = MathF.FusedMultiplyAdd(k.StepSize, mi / (MathF.Sqrt(vi) + k.EpsTerm), ptr.Param[j]);
                ptr.Param[j] = k.Decay ? updated * k.DecayFactor : updated;
            }
            ptr.Absmax1[b] = max1;
            ptr.Absmax2[b] = max2;
            float r1 = 1f / (max1 > 0f ? max1 : 1f), r2 = 1f / (max2 > 0f ? max2 : 1f);
            for (i = Avx2.IsSupported ? QuantizeVectorized(ptr, start, count, m, v, r1, r2) : 0; i < count; i++)
            {
                float x1 = m[i] * r1;
                int code1 = Bucket(ptr.SignedMid, ptr.SignedStart, x1);
                if (x1 < 0f && ptr.SignedMap[code1] >= 0f) code1--;   // a negative never takes zero or a positive code
                ptr.Codes1[start + i] = (byte)code1;
                ptr.Codes2[start + i] = (byte)Bucket(ptr.UnsignedMid, ptr.UnsignedStart, v[i] * r2);
            }
        }
    }

    /// <summary>
    /// The first pass of <see cref="RunBlocks"/> eight values at a time (AVX2 gathers for the maps, FMA where the
    /// scalar pass fuses): the same operations in the same order, so the same bits. Returns how many it did.
    /// </summary>
    private static unsafe int UpdateVectorized(Pointers ptr, Constants k, int start, int count, float old1, float old2,
        float* m, float* v, ref float max1, ref float max2)
    {
        var beta1 = Vector256.Create(k.Beta1);
        var beta2 = Vector256.Create(k.Beta2);
        var oneMinusBeta1 = Vector256.Create(k.OneMinusBeta1);
        var oneMinusBeta2 = Vector256.Create(k.OneMinusBeta2);
        var eps = Vector256.Create(k.EpsTerm);
        var stepSize = Vector256.Create(k.StepSize);
        var decay = Vector256.Create(k.DecayFactor);
        var absmax1 = Vector256.Create(old1);
        var absmax2 = Vector256.Create(old2);
        var absMask = Vector256.Create(0x7FFFFFFF).AsSingle();
        Vector256<float> top1 = Vector256<float>.Zero, top2 = Vector256<float>.Zero;
        int i = 0;
        for (; i + 8 <= count; i += 8)
        {
            int j = start + i;
            var g = Avx.LoadVector256(ptr.Grad + j);
            var map1 = Avx2.GatherVector256(ptr.SignedMap, Avx2.ConvertToVector256Int32(ptr.Codes1 + j), 4);
            var map2 = Avx2.GatherVector256(ptr.UnsignedMap, Avx2.ConvertToVector256Int32(ptr.Codes2 + j), 4);
            var mi = Fma.MultiplyAdd(oneMinusBeta1, g, Avx.Multiply(Avx.Multiply(map1, absmax1), beta1));
            var vi = Avx.Add(Avx.Multiply(Avx.Multiply(map2, absmax2), beta2), Avx.Multiply(Avx.Multiply(oneMinusBeta2, g), g));
            Avx.Store(m + i, mi);
            Avx.Store(v + i, vi);
            top1 = Avx.Max(top1, Avx.And(mi, absMask));
            top2 = Avx.Max(top2, Avx.And(vi, absMask));
            var updated = Fma.MultiplyAdd(stepSize, Avx.Divide(mi, Avx.Add(Avx.Sqrt(vi), eps)), Avx.LoadVector256(ptr.Param + j));
            Avx.Store(ptr.Param + j, k.Decay ? Avx.Multiply(updated, decay) : updated);
        }
        for (int lane = 0; lane < 8; lane++)
        {
            max1 = Math.Max(max1, top1.GetElement(lane));
            max2 = Math.Max(max2, top2.GetElement(lane));
        }
        return i;
    }

    /// <summary>The second pass (codes from the new absmax) eight values at a time; returns how many it did.</summary>
    private static unsafe int QuantizeVectorized(Pointers ptr, int start, int count, float* m, float* v, float r1, float r2)
    {
        var reciprocal1 = Vector256.Create(r1);
        var reciprocal2 = Vector256.Create(r2);
        var lowByte = Vector256.Create(0xFF);
        int* codes = stackalloc int[16];
        int i = 0;
        for (; i + 8 <= count; i += 8)
        {
            var x1 = Avx.Multiply(Avx.LoadVector256(m + i), reciprocal1);
            var x2 = Avx.Multiply(Avx.LoadVector256(v + i), reciprocal2);
            var code1 = BucketVectorized(ptr.SignedMid, ptr.SignedStart, x1, lowByte);
            // a negative never takes zero or a positive code: subtract one (a true mask is -1) where that happened
            var chosen = Avx2.GatherVector256(ptr.SignedMap, code1, 4);
            var wrongSign = Avx.And(Avx.CompareLessThan(x1, Vector256<float>.Zero), Avx.CompareGreaterThanOrEqual(chosen, Vector256<float>.Zero));
            code1 = Avx2.Add(code1, wrongSign.AsInt32());
            Avx.Store(codes, code1);
            Avx.Store(codes + 8, BucketVectorized(ptr.UnsignedMid, ptr.UnsignedStart, x2, lowByte));
            for (int lane = 0; lane < 8; lane++)
            {
                ptr.Codes1[start + i + lane] = (byte)codes[lane];
                ptr.Codes2[start + i + lane] = (byte)codes[8 + lane];
            }
        }
        return i;
    }

    /// <summary><see cref="Bucket"/> for eight values: the start table read as 32-bit words at byte offsets (it has 3 bytes of padding).</summary>
    private static unsafe Vector256<int> BucketVectorized(float* midpoints, byte* start, Vector256<float> x, Vector256<int> lowByte)
    {
        var position = Avx2.And(Avx2.GatherVector256((int*)start, Avx2.ShiftRightLogical(x.AsInt32(), 16), 1), lowByte);
        position = Avx2.Subtract(position, Avx.CompareLessThan(Avx2.GatherVector256(midpoints, position, 4), x).AsInt32());
        position = Avx2.Subtract(position, Avx.CompareLessThan(Avx2.GatherVector256(midpoints, position, 4), x).AsInt32());
        return position;
    }

    /// <summary>The number of the 255 ascending midpoints strictly below <paramref name="x"/>: the nearest map index, ties to the lower.</summary>
    /// <param name="midpoints">the 255 midpoints, then two +infinity (<see cref="PaddedMidpoints"/>)</param>
    private static unsafe int Bucket(float* midpoints, byte* start, float x)
    {
        // start[] gives the answer for the smallest float sharing x's top 16 bits (sign, exponent, 7 mantissa
        // bits); at most two midpoints lie between that float and x (BucketStarts checks it for the map), so two
        // branch-free steps finish it: a data-dependent loop here mispredicted on every other value.
        int position = start[BitConverter.SingleToUInt32Bits(x) >> 16];
        position += midpoints[position] < x ? 1 : 0;
        position += midpoints[position] < x ? 1 : 0;
        return position;
    }

    /// <summary>The midpoints followed by two +infinity, so <see cref="Bucket"/> may look one past its answer.</summary>
    public static float[] PaddedMidpoints(float[] midpoints) => [.. midpoints, float.PositiveInfinity, float.PositiveInfinity];

    /// <summary>
    /// For each top-16-bit pattern of a float, the bucket of the smallest float with that pattern (see
    /// <see cref="Bucket"/>); throws if some pattern spans more than two midpoints (a map this kernel cannot take).
    /// </summary>
    public static byte[] BucketStarts(float[] midpoints)
    {
        static int Below(float[] midpoints, float value)
        {
            int count = 0;
            if (!float.IsNaN(value))
                while (count < midpoints.Length && midpoints[count] < value) count++;
            return count;
        }
        var starts = new byte[65536 + 3];                     // 3 bytes of padding for the 32-bit gathers
        for (int bin = 0; bin < 65536; bin++)
        {
            // Positive patterns grow with their low bits, negative ones shrink: the smallest float of a bin
            // has low bits 0 when positive and 0xFFFF when negative, the largest the other way round.
            bool negative = bin >= 0x8000;
            float smallest = BitConverter.UInt32BitsToSingle((uint)bin << 16 | (negative ? 0xFFFFu : 0u));
            float largest = BitConverter.UInt32BitsToSingle((uint)bin << 16 | (negative ? 0u : 0xFFFFu));
            int first = Below(midpoints, smallest);
            if (!float.IsNaN(largest) && Below(midpoints, largest) - first > 2)
                throw new ArgumentException($"the quantization map has more than two midpoints between {smallest} and {largest}", nameof(midpoints));
            starts[bin] = (byte)first;
        }
        return starts;
    }
}
