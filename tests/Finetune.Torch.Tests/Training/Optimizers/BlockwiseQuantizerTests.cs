using static Finetune.Torch.Tests.Training.TrainingTensors;
using static TorchSharp.torch;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Tests.Training.Optimizers;

public sealed class BlockwiseQuantizerTests
{
    // Hand-worked from bitsandbytes' create_dynamic_map: the top decade of the signed map holds the 64
    // midpoints of linspace(0.1, 1, 65) (spacing 0.0140625): 0.10703125 ... 0.99296875, i.e.
    // 0.1 + 0.0140625 * (k + 0.5). The unsigned map's top decade has 128 midpoints of linspace(0.1, 1, 129)
    // (spacing 0.00703125): 0.103515625 ... 0.996484375. The smallest decade is scaled by 1e-6:
    // signed 0.55e-6 (one midpoint of linspace(0.1, 1, 2)), unsigned 0.325e-6 and 0.775e-6.

    [Fact]
    public void Signed_dynamic_map_is_bitsandbytes_layout()
    {
        var map = DynamicQuantizationMap.Create(signed: true);
        Assert.Equal(256, map.Length);
        Assert.True(map.Zip(map.Skip(1)).All(p => p.First < p.Second), "strictly ascending");
        Assert.Equal(-0.99296875, map[0], 1e-6);
        Assert.Equal(-0.97890625, map[1], 1e-6);  // -(0.1 + 0.0140625 * 62.5)
        Assert.Equal(-0.55e-6, map[126], 1e-12);
        Assert.Equal(0f, map[127]);
        Assert.Equal(0.55e-6, map[128], 1e-12);
        Assert.Equal(0.10703125, map[255 - 64], 1e-6);
        Assert.Equal(0.99296875, map[254], 1e-6);
        Assert.Equal(1f, map[255]);
        Assert.Equal(64, map.Count(v => v is >= 0.1f and < 1f));
        Assert.Equal(32, map.Count(v => v is >= 0.01f and < 0.1f));
    }

    [Fact]
    public void Unsigned_dynamic_map_is_bitsandbytes_layout()
    {
        var map = DynamicQuantizationMap.Create(signed: false);
        Assert.Equal(256, map.Length);
        Assert.True(map.Zip(map.Skip(1)).All(p => p.First < p.Second), "strictly ascending");
        Assert.Equal(0f, map[0]);
        Assert.Equal(0.325e-6, map[1], 1e-12);
        Assert.Equal(0.775e-6, map[2], 1e-12);
        Assert.Equal(0.103515625, map[255 - 128], 1e-6);
        Assert.Equal(0.996484375, map[254], 1e-6);
        Assert.Equal(1f, map[255]);
        Assert.Equal(128, map.Count(v => v is >= 0.1f and < 1f));
    }

    [Fact]
    public void Values_take_the_nearest_map_value_times_the_block_absmax()
    {
        using var quantizer = new BlockwiseQuantizer(DynamicQuantizationMap.Create(signed: true));
        // absmax 2: 1 -> 0.5 -> 0.1 + 0.0140625*28.5 = 0.50078125 (not 0.48671875); -0.5 -> -0.25 ->
        // 0.24765625 (k = 10, distance 0.0023 vs 0.0117 for k = 11); -2 -> -1 -> -0.99296875 (the signed map
        // has no -1); 0 stays 0; -2e-9 -> -1e-9 rounds to 0 but keeps its sign: the smallest negative, -0.55e-6.
        using var values = tensor(new[] { 2f, 1f, -0.5f, -2f, 0f, -2e-9f });
        using var restored = quantizer.RoundTrip(values);
        AdamWTests.AssertClose([2, 2 * 0.50078125, -2 * 0.24765625, -2 * 0.99296875, 0, -2 * 0.55e-6], Values(restored), 1e-6);
        Assert.Equal(0.0, Values(restored)[4]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Every_map_value_is_stored_exactly(bool signed)
    {
        // One block holding all 256 map values (absmax 1.0): nearest rounding must return each unchanged.
        var map = DynamicQuantizationMap.Create(signed);
        using var quantizer = new BlockwiseQuantizer(map);
        using var restored = quantizer.RoundTrip(tensor(map));
        Assert.Equal(map, restored.data<float>().ToArray());
    }

    [Fact]
    public void Round_trip_error_is_at_most_half_the_top_decade_spacing_times_absmax()
    {
        // The widest gap between neighbouring map values is the top decade's spacing (0.0140625 signed,
        // 0.00703125 unsigned), so nearest rounding errs by at most half of it times the block absmax.
        var generator = new Generator(seed: 7);
        using var signedQ = new BlockwiseQuantizer(DynamicQuantizationMap.Create(signed: true));
        using var unsignedQ = new BlockwiseQuantizer(DynamicQuantizationMap.Create(signed: false));
        using var values = randn([10 * 256 + 100], generator: generator) * 3;  // a partial last block too
        using var positive = values.square();
        AssertWithinBound(signedQ, values, 0.0140625 / 2);
        AssertWithinBound(unsignedQ, positive, 0.00703125 / 2);
    }

    private static void AssertWithinBound(BlockwiseQuantizer quantizer, Tensor values, double halfGap)
    {
        using var scope = NewDisposeScope();
        var restored = quantizer.RoundTrip(values);
        var error = (restored - values).abs();
        var absmax = BlockwiseQuantizer.PadToBlocks(values.abs()).amax(1);
        var bound = BlockwiseQuantizer.PadToBlocks(error).amax(1) / absmax;
        Assert.True(bound.max().item<float>() <= halfGap * (1 + 1e-5), $"worst error / absmax {bound.max().item<float>()} > {halfGap}");
        Assert.True(error.max().item<float>() > 0, "8 bits cannot be lossless on random data");
    }
}
