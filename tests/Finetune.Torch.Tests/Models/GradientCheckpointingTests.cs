using Finetune.Torch.Models;
using Finetune.Torch.Tests.Training;
using Finetune.Torch.Training.Loop;
using TorchSharp;
using static TorchSharp.torch;

namespace Finetune.Torch.Tests.Models;

public sealed class GradientCheckpointingTests
{
    [Theory]
    [InlineData("llama", true)]
    [InlineData("qwen3", false)]
    [InlineData("mistral", true)]
    public void Recomputed_blocks_give_the_same_loss_and_gradients(string family, bool tied)
    {
        var config = TinyModels.Config(family, tied);
        using var plain = TinyModels.Random(config, ScalarType.Float32, seed: 21);
        using var checkpointed = TinyModels.Random(config, ScalarType.Float32, seed: 21);
        checkpointed.model.GradientCheckpointing = true;
        using var ids = randint(40, [2, 8], ScalarType.Int64, generator: new torch.Generator(8));
        using var attention = tensor(new[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0 }, [2, 8]);
        using var lossMask = tensor(new[] { 0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0 }, [2, 8]);
        using var expected = MaskedCrossEntropy.NextTokenSum(plain, ids, lossMask, attention);
        expected.backward();
        using var actual = MaskedCrossEntropy.NextTokenSum(checkpointed, ids, lossMask, attention);
        actual.backward();
        Assert.Equal(expected.item<float>(), actual.item<float>(), 5);
        var reference = plain.StateNames();
        foreach (var (name, p) in checkpointed.StateNames())
        {
            Assert.NotNull(p.grad);
            double error = TrainingTensors.RelativeError(p.grad!, reference[name].grad!);
            Assert.True(error < 1e-5, $"{name}: gradient relative error {error}");
        }
    }

    [Fact]
    public void Inference_and_no_grad_ignore_the_setting()
    {
        using var model = TinyModels.Random(TinyModels.Config("llama", tied: true), ScalarType.Float32, seed: 4);
        using var ids = randint(40, [1, 5], ScalarType.Int64, generator: new torch.Generator(1));
        using var before = model.forward(ids).detach();
        model.model.GradientCheckpointing = true;
        using var _ = no_grad();
        using var after = model.forward(ids);
        Assert.True(TrainingTensors.BitEqual(before, after));
    }
}
