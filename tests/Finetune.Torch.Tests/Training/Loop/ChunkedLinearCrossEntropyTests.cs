using Finetune.Torch.Models;
using Finetune.Torch.Tests.Models;
using Finetune.Torch.Training.Loop;
using TorchSharp;
using static TorchSharp.torch;
using static Finetune.Torch.Tests.Training.TrainingTensors;

namespace Finetune.Torch.Tests.Training.Loop;

[Collection(nameof(GlobalTorchRngCollection))]
public sealed class ChunkedLinearCrossEntropyTests
{
    [Fact]
    public void Loss_and_gradients_match_a_hand_calculation()
    {
        // h = [1, 0], W rows [0, 0], [ln 3, 0], [0, 0]: logits [0, ln 3, 0], softmax [1/5, 3/5, 1/5].
        // Target 1: loss -log(3/5); dL/dlogits = softmax - onehot = [1/5, -2/5, 1/5];
        // dL/dh = g W = [-2/5 ln 3, 0]; dL/dW = g^T h = [[1/5, 0], [-2/5, 0], [1/5, 0]].
        using var h = tensor(new[] { 1f, 0f }, [1, 2]).requires_grad_();
        using var w = tensor(new[] { 0f, 0f, MathF.Log(3f), 0f, 0f, 0f }, [3, 2]).requires_grad_();
        using var loss = ChunkedLinearCrossEntropy.Sum(h, w, tensor(new long[] { 1 }), realVocab: 3);
        loss.backward();
        Assert.Equal(0.5108256237659907, loss.item<float>(), 6);
        AssertClose([-0.4 * Math.Log(3), 0], Values(h.grad!));
        AssertClose([0.2, 0, -0.4, 0, 0.2, 0], Values(w.grad!));
    }

    [Fact]
    public void Padded_vocab_columns_get_no_probability_and_no_gradient()
    {
        // Real vocabulary 2 of 3 rows: logits [0, ln 3, 9] become [0, ln 3, -inf]; target 1 -> -log(3/4).
        using var h = tensor(new[] { 1f, 0f }, [1, 2]).requires_grad_();
        using var w = tensor(new[] { 0f, 0f, MathF.Log(3f), 0f, 9f, 0f }, [3, 2]).requires_grad_();
        using var loss = ChunkedLinearCrossEntropy.Sum(h, w, tensor(new long[] { 1 }), realVocab: 2);
        loss.backward();
        Assert.Equal(0.2876820724517809, loss.item<float>(), 6);
        AssertClose([0.25, 0, -0.25, 0, 0, 0], Values(w.grad!));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(1000)]
    public void Equals_the_plain_linear_then_cross_entropy_for_any_chunk_size(int chunkRows)
    {
        var generator = new torch.Generator(7);
        using var h1 = randn([10, 6], generator: generator).requires_grad_();
        using var w1 = randn([9, 6], generator: generator).requires_grad_();
        using var h2 = h1.detach().clone().requires_grad_();
        using var w2 = w1.detach().clone().requires_grad_();
        using var targets = tensor(new long[] { 0, 1, 2, 3, 4, 5, 6, 0, 1, 2 });
        using var chunked = ChunkedLinearCrossEntropy.Sum(h1, w1, targets, realVocab: 7, chunkRows);
        chunked.backward();
        using var logits = nn.functional.linear(h2, w2).masked_fill(arange(9) >= 7, double.NegativeInfinity);
        using var plain = MaskedCrossEntropy.Sum(logits.unsqueeze(0), targets.unsqueeze(0));
        plain.backward();
        Assert.Equal(plain.item<float>(), chunked.item<float>(), 4);
        Assert.True(RelativeError(h1.grad!, h2.grad!) < 1e-5, $"dL/dh relative error {RelativeError(h1.grad!, h2.grad!)}");
        Assert.True(RelativeError(w1.grad!, w2.grad!) < 1e-5, $"dL/dW relative error {RelativeError(w1.grad!, w2.grad!)}");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_model_level_loss_equals_full_logits_loss_and_gradients(bool tied)
    {
        using var chunkedModel = TinyModels.Random(TinyModels.Config("llama", tied), ScalarType.Float32, seed: 3);
        using var plainModel = TinyModels.Random(TinyModels.Config("llama", tied), ScalarType.Float32, seed: 3);
        chunkedModel.RealVocabSize = plainModel.RealVocabSize = 36;           // 4 padding rows of 40
        var generator = new torch.Generator(11);
        using var ids = randint(36, [2, 9], ScalarType.Int64, generator: generator);
        using var lossMask = tensor(new[] { 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1 }, [2, 9]);
        using var chunked = MaskedCrossEntropy.NextTokenSum(chunkedModel, ids, lossMask);
        chunked.backward();
        using var plain = MaskedCrossEntropy.NextTokenSum(plainModel.forward(ids), ids, lossMask);
        plain.backward();
        Assert.Equal(plain.item<float>(), chunked.item<float>(), 3);
        var expected = plainModel.StateNames();
        foreach (var (name, p) in chunkedModel.StateNames())
            Assert.True(RelativeError(p.grad!, expected[name].grad!) < 1e-5, $"{name}: gradient relative error {RelativeError(p.grad!, expected[name].grad!)}");
    }

    [Fact]
    public void Bf16_weights_match_the_plain_path_within_bf16_rounding()
    {
        using var chunkedModel = TinyModels.Random(TinyModels.Config("llama", tied: true), ScalarType.BFloat16, seed: 5);
        using var plainModel = TinyModels.Random(TinyModels.Config("llama", tied: true), ScalarType.BFloat16, seed: 5);
        using var ids = randint(40, [2, 7], ScalarType.Int64, generator: new torch.Generator(2));
        using var lossMask = ones([2, 7], ScalarType.Int32);
        using var chunked = MaskedCrossEntropy.NextTokenSum(chunkedModel, ids, lossMask);
        using var plain = MaskedCrossEntropy.NextTokenSum(plainModel.forward(ids), ids, lossMask);
        Assert.Equal(plain.item<float>(), chunked.item<float>(), 2);
    }

    [Fact]
    public void Without_gradients_it_only_scores()
    {
        using var model = TinyModels.Random(TinyModels.Config("llama", tied: true), ScalarType.Float32, seed: 9);
        using var ids = randint(40, [1, 6], ScalarType.Int64, generator: new torch.Generator(4));
        using var lossMask = ones([1, 6], ScalarType.Int32);
        using var _ = no_grad();
        using var chunked = MaskedCrossEntropy.NextTokenSum(model, ids, lossMask);
        using var plain = MaskedCrossEntropy.NextTokenSum(model.forward(ids), ids, lossMask);
        Assert.False(chunked.requires_grad);
        Assert.Equal(plain.item<float>(), chunked.item<float>(), 4);
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-6);
    }
}
