using Finetune.Torch.Inference;
using TorchSharp;
using static TorchSharp.torch;

namespace Finetune.Torch.Tests.Inference;

public sealed class SamplingTests
{
    private static readonly double[] Probabilities = [0.5, 0.3, 0.15, 0.05];

    [Fact]
    public void Top_p_keeps_the_smallest_prefix_reaching_p_and_renormalises()
    {
        // Sorted 0.5, 0.3, 0.15, 0.05: mass before each is 0, 0.5, 0.8, 0.95; with p = 0.7 only the first two
        // stay (as transformers' TopPLogitsWarper: remove cumulative ascending mass <= 1 - p), renormalised 0.625 / 0.375.
        var counts = Draw(topP: 0.7, temperature: 1.0, n: 4000);
        Assert.Equal(0, counts[2] + counts[3]);
        Assert.InRange(counts[0] / 4000.0, 0.60, 0.65);
    }

    [Fact]
    public void Temperature_sharpens_the_distribution()
    {
        // T = 0.5 squares the probabilities: 0.25, 0.09, 0.0225, 0.0025 over 0.365 → 0.685 for the first.
        var counts = Draw(topP: 1.0, temperature: 0.5, n: 4000);
        Assert.InRange(counts[0] / 4000.0, 0.66, 0.71);
    }

    private static int[] Draw(double topP, double temperature, int n)
    {
        using var logits = tensor(Probabilities.Select(p => (float)Math.Log(p)).ToArray());
        using var generator = new torch.Generator(123);
        var counts = new int[4];
        for (int i = 0; i < n; i++) counts[Finetune.Torch.Inference.Generator.Sample(logits, temperature, topP, generator)]++;
        return counts;
    }
}
