using Finetune.Text.Gguf;

namespace Finetune.Text.Tests.Gguf;

public sealed class GgufQ8Tests
{
    [Fact]
    public void Q8_0_blocks_match_ggml_reference_values_worked_by_hand()
    {
        var x = new float[96];
        for (int j = 0; j < 32; j++) x[j] = j - 16;         // amax 16: d = 16/127, 1/d = 7.9375 exactly
        x[32] = 127f; x[33] = 2.5f; x[34] = -2.5f; x[35] = 0.5f; x[36] = 1.5f; x[37] = -0.5f; // amax 127: d = 1
        // x[64..95] stay 0: d = 0, every q 0
        var blocks = new byte[3 * GgufQ8.BlockBytes];
        GgufQ8.Quantize(x, blocks);

        // 16/127 = 0.125984...; fp16 nearest: 2^-3 * (1 + 8/1024) = 0.1259765625 = 0x3008.
        Assert.Equal(0x3008, BitConverter.ToUInt16(blocks, 0));
        var q = blocks.AsSpan(2, 32).ToArray().Select(b => (sbyte)b).ToArray();
        Assert.Equal(-127, q[0]);     // -16 * 7.9375
        Assert.Equal(-119, q[1]);     // -15 * 7.9375 = -119.0625
        Assert.Equal(0, q[16]);
        Assert.Equal(8, q[17]);       // 7.9375
        Assert.Equal(119, q[31]);

        Assert.Equal(0x3C00, BitConverter.ToUInt16(blocks, 34)); // 1.0
        var q2 = blocks.AsSpan(36, 6).ToArray().Select(b => (sbyte)b).ToArray();
        Assert.Equal(new sbyte[] { 127, 3, -3, 1, 2, -1 }, q2);   // roundf: halves away from zero

        Assert.All(blocks.Skip(68), b => Assert.Equal(0, b));

        var back = new float[96];
        GgufQ8.Dequantize(blocks, back);
        Assert.Equal(-127 * 0.1259765625f, back[0]);
        Assert.Equal(3f, back[33]);
        Assert.Equal(0f, back[70]);
    }
}
