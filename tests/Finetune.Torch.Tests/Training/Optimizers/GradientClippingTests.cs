using TorchSharp.Modules;
using static Finetune.Torch.Tests.Training.TrainingTensors;
using static TorchSharp.torch;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Tests.Training.Optimizers;

public sealed class GradientClippingTests
{
    [Fact]
    public void Gradients_above_the_max_norm_are_scaled_by_max_over_norm_plus_1e6()
    {
        // Gradients [3, 4] (norm 5) and [12] (norm 12): global norm sqrt(25 + 144) = 13.
        // Scale = 1 / (13 + 1e-6) -> [0.23076921, 0.30769228] and [0.92307685].
        var a = Param([0f, 0f], 2);
        var b = Param([0f], 1);
        var none = Param([5f], 1);  // no gradient: skipped
        a.grad = tensor(new[] { 3f, 4f });
        b.grad = tensor(new[] { 12f });

        double norm = GradientClipping.ClipByGlobalNorm([a, b, none], maxNorm: 1.0);

        Assert.Equal(13.0, norm, 5);
        double scale = 1.0 / (13.0 + 1e-6);
        AdamWTests.AssertClose([3 * scale, 4 * scale], Values(a.grad!), 1e-6);
        AdamWTests.AssertClose([12 * scale], Values(b.grad!), 1e-6);
    }

    [Fact]
    public void Gradients_within_the_max_norm_are_left_as_they_are()
    {
        var a = Param([0f, 0f], 2);
        a.grad = tensor(new[] { 3f, 4f });
        Assert.Equal(5.0, GradientClipping.ClipByGlobalNorm([a], maxNorm: 20.0), 5);
        Assert.Equal([3.0, 4.0], Values(a.grad!));
    }

    [Fact]
    public void Agrees_with_TorchSharp_clip_grad_norm()
    {
        var generator = new Generator(seed: 9);
        var ours = new[] { new Parameter(zeros(7, 3)), new Parameter(zeros(5)) };
        var theirs = new[] { new Parameter(zeros(7, 3)), new Parameter(zeros(5)) };
        for (int i = 0; i < 2; i++)
        {
            var g = randn(ours[i].shape, generator: generator) * 2;
            ours[i].grad = g.clone();
            theirs[i].grad = g;
        }
        double ourNorm = GradientClipping.ClipByGlobalNorm(ours, 0.5);
        double theirNorm = nn.utils.clip_grad_norm_(theirs, 0.5);
        Assert.Equal(theirNorm, ourNorm, 5);
        for (int i = 0; i < 2; i++) Assert.True(RelativeError(ours[i].grad!, theirs[i].grad!) <= 1e-6);
    }
}
