using TorchSharp.Modules;
using Xunit.Abstractions;
using static TorchSharp.torch;
using Finetune.Torch.Training.Optimizers;

namespace Finetune.Torch.Tests.Training.Optimizers;

/// <summary>
/// The fused CPU kernel against the tensor path it replaces on the CPU (which CUDA still takes): the same
/// arithmetic and rounding rules, so after several steps with weight decay the parameters agree to float
/// rounding and the stored codes agree except where a value sits within rounding of a midpoint.
/// </summary>
public sealed class AdamW8bitCpuKernelTests(ITestOutputHelper output)
{
    [Fact]
    public void Fused_kernel_steps_as_the_tensor_path_does()
    {
        var generator = new Generator(seed: 11);
        // 70,007 values: 274 blocks, the last one partial (70,007 = 273 x 256 + 119: fourteen 8-wide vector
        // steps and a scalar tail of 7), split across threads.
        var start = randn([70_007], generator: generator);
        var fused = new Parameter(start.clone().view(7, 10_001));
        var plain = new Parameter(start.clone().view(7, 10_001));
        using var fusedAdam = new AdamW8bit([("w.weight", fused)], AdamWTests.Options(weightDecay: 0.1, lr: 0.01));
        using var plainAdam = new AdamW8bit([("w.weight", plain)], AdamWTests.Options(weightDecay: 0.1, lr: 0.01)) { FusedCpuKernel = false };
        for (int step = 0; step < 5; step++)
        {
            var grad = randn([7, 10_001], generator: generator) * (step + 1);
            fused.grad = grad.clone();
            plain.grad = grad.clone();
            fusedAdam.Step();
            plainAdam.Step();
        }
        // A few float32 ulps after five steps (one ulp of 4.0 is 4.8e-7): |fused - tensor| <= 1e-6 (1 + |tensor|).
        double worst = ((fused - plain).abs() / (plain.abs() + 1)).max().item<float>();
        Assert.True(worst <= 1e-6, $"max |fused - tensor path| / (1 + |tensor path|) {worst}");
        var a = fusedAdam.StateDict();
        var b = plainAdam.StateDict();
        foreach (var name in new[] { "w.weight.exp_avg.absmax", "w.weight.exp_avg_sq.absmax" })
        {
            double relative = ((a[name] - b[name]).abs() / b[name].abs().clamp_min(1e-30)).max().item<float>();
            Assert.True(relative <= 1e-5, $"{name}: relative difference {relative}");
        }
        foreach (var name in new[] { "w.weight.exp_avg.codes", "w.weight.exp_avg_sq.codes" })
        {
            var difference = (a[name].to(int32) - b[name].to(int32)).abs();
            long differing = difference.gt(0).sum().item<long>();
            Assert.True(difference.max().item<int>() <= 1, $"{name}: a code differs by more than one step");
            Assert.True(differing <= 70, $"{name}: {differing} of 70,007 codes differ (rounding at midpoints only)");
            output.WriteLine($"{name}: {differing} codes differ by one");
        }
    }
}
