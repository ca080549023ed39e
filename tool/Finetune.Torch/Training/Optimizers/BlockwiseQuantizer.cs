using static TorchSharp.torch;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Training.Optimizers;

/// <summary>
/// Block-wise 8-bit quantization over a 256-value map, as bitsandbytes' blockwise optimizers store their
/// moments: each block of <see cref="BlockSize"/> values keeps an fp32 absmax, each value the uint8 index of
/// the map value nearest to value x (1/absmax) (ties go to the lower index, as bitsandbytes' midpoint test).
/// With a signed map a nonzero value never takes a code of the other sign or zero: a small negative that
/// rounds to 0 takes the smallest negative code instead (bitsandbytes' sign fix for exp_avg).
/// Works on whole tensors (searchsorted over the 255 midpoints), never per element in C#.
/// </summary>
public sealed class BlockwiseQuantizer : IDisposable
{
    public const int BlockSize = 256;

    private readonly Tensor map;        // (256,) float32, ascending
    private readonly Tensor midpoints;  // (255,) float32
    private readonly bool signed;

    public BlockwiseQuantizer(float[] map)
    {
        if (map.Length != 256) throw new ArgumentException($"a quantization map has 256 values, got {map.Length}", nameof(map));
        this.map = tensor(map).DetachFromDisposeScope();
        using var scope = NewDisposeScope();
        midpoints = ((this.map[..^1] + this.map[1..]) * 0.5f).contiguous().DetachFromDisposeScope();
        signed = map[0] < 0;
    }

    public static long BlockCount(long elements) => (elements + BlockSize - 1) / BlockSize;

    /// <summary>Dequantizes <paramref name="codes"/> (n uint8) with per-block <paramref name="absmax"/> into (blocks, 256) fp32, zero past n.</summary>
    public Tensor Dequantize(Tensor codes, Tensor absmax)
    {
        using var scope = NewDisposeScope();
        var values = map.index_select(0, codes.to(int32));
        var blocks = PadToBlocks(values);
        return blocks.mul_(absmax.unsqueeze(1)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Quantizes <paramref name="blocks"/> ((blocks, 256) fp32) into <paramref name="codes"/> (its first n
    /// values, uint8) and <paramref name="absmax"/> (per block max |value|), both written in place.
    /// </summary>
    public void Quantize(Tensor blocks, Tensor codes, Tensor absmax)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        absmax.copy_(blocks.abs().amax(1));
        // As bitsandbytes' kQuantizeBlockwise: values times the reciprocal of the block's absmax.
        var reciprocal = where(absmax > 0, absmax, ones_like(absmax)).reciprocal().unsqueeze(1);
        var values = (blocks * reciprocal).flatten().narrow(0, 0, codes.numel());
        var index = bucketize(values, midpoints, outInt32: true);
        if (signed)
        {
            var chosen = map.index_select(0, index);
            index = index.sub_((values < 0).logical_and_(chosen >= 0).to(int32));
        }
        codes.copy_(index.to(uint8));
    }

    /// <summary>Quantizes then dequantizes a flat fp32 tensor: what survives 8-bit storage.</summary>
    public Tensor RoundTrip(Tensor values)
    {
        using var scope = NewDisposeScope();
        long n = values.numel();
        var codes = zeros(n, uint8);
        var absmax = zeros(BlockCount(n), float32);
        Quantize(PadToBlocks(values.flatten().to(float32)), codes, absmax);
        return Dequantize(codes, absmax).flatten().narrow(0, 0, n).reshape(values.shape).MoveToOuterDisposeScope();
    }

    /// <summary>A flat tensor zero-padded to whole blocks and viewed as (blocks, 256).</summary>
    public static Tensor PadToBlocks(Tensor flat)
    {
        long n = flat.numel();
        long padded = BlockCount(n) * BlockSize;
        var full = padded == n ? flat : nn.functional.pad(flat, [0, padded - n]);
        return full.view(-1, BlockSize);
    }

    public void Dispose()
    {
        map.Dispose();
        midpoints.Dispose();
    }
}
