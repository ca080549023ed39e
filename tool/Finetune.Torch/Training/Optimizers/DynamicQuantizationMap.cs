using static TorchSharp.torch;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Training.Optimizers;

/// <summary>
/// The 256-value "dynamic" quantization maps of bitsandbytes' 8-bit optimizers (Dettmers 2015/2021), built
/// as bitsandbytes' <c>create_dynamic_map(signed, max_exponent_bits=7, total_bits=8)</c> does: for each decade
/// i = 0..6 the midpoints of <c>linspace(0.1, 1, k+1)</c> (float32) scaled by 10^(i-6), with k = 2^i values
/// per sign (signed) or 2^(i+1) (unsigned); then 0 and 1.0, sorted ascending.
/// Signed: 127 negatives down to -0.99296875, 0, 127 positives, 1.0. Unsigned: 0, 254 positives, 1.0.
/// </summary>
public static class DynamicQuantizationMap
{
    private const int MaxExponentBits = 7;

    public static float[] Create(bool signed)
    {
        var values = new List<float>(256);
        for (int i = 0; i < MaxExponentBits; i++)
        {
            int perSign = signed ? 1 << i : 1 << (i + 1);
            float scale = (float)Math.Pow(10, i - (MaxExponentBits - 1));
            foreach (var mean in DecadeMidpoints(perSign))
            {
                values.Add(scale * mean);
                if (signed) values.Add(-scale * mean);
            }
        }
        values.Add(0f);
        values.Add(1f);
        values.Sort();
        return values.ToArray();
    }

    /// <summary>The midpoints of <paramref name="count"/>+1 evenly spaced float32 points from 0.1 to 1.</summary>
    private static float[] DecadeMidpoints(int count)
    {
        using var boundaries = linspace(0.1, 1.0, count + 1, float32);
        using var means = (boundaries[..^1] + boundaries[1..]) / 2.0f;
        return means.data<float>().ToArray();
    }
}
