using TorchSharp;
using TorchSharp.Modules;
using static Finetune.Torch.Tests.Training.TrainingTensors;
using static TorchSharp.torch;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Tests.Training.Loop;

public sealed class GradientAccumulationTests
{
    // Eight rows of different lengths (token ids 1..12, pad 0); next-token loss on every real token after
    // the first, so rows carry 2..8 loss tokens and micro-batch means weigh tokens differently.
    private static readonly int[] Lengths = [3, 9, 2, 6, 4, 8, 5, 7];
    private const int Vocab = 13;

    [Fact]
    public void Four_micro_batches_of_two_rows_give_the_gradients_and_update_of_one_batch_of_eight()
    {
        var rows = MakeRows();
        using var model = new TinyLm();
        var initial = model.Snapshot();
        long totalTokens = rows.Sum(r => (long)r.Length - 1);  // 36

        var full = Gradients(model, [rows], totalTokens, out double fullLoss);
        model.Restore(initial);
        var accumulated = Gradients(model, rows.Chunk(2).ToList(), totalTokens, out double accumulatedLoss);

        Assert.Equal(fullLoss, accumulatedLoss, 5);
        foreach (var name in full.Keys)
            Assert.True(allclose(accumulated[name], full[name], rtol: 1e-5, atol: 1e-7), $"{name} gradients differ");

        // The optimizer update from either gradient set is the same too.
        var afterFull = StepWith(model, initial, full);
        var afterAccumulated = StepWith(model, initial, accumulated);
        foreach (var name in afterFull.Keys)
            Assert.True(allclose(afterAccumulated[name], afterFull[name], rtol: 1e-5, atol: 1e-6), $"{name} weights differ");
    }

    [Fact]
    public void Mean_of_micro_batch_means_would_give_other_gradients()
    {
        // Shows the test above can fail: averaging per-micro-batch means weighs short rows more.
        var rows = MakeRows();
        using var model = new TinyLm();
        var initial = model.Snapshot();
        var full = Gradients(model, [rows], rows.Sum(r => (long)r.Length - 1), out _);

        model.Restore(initial);
        model.zero_grad();
        foreach (var micro in rows.Chunk(2))
        {
            using var scope = NewDisposeScope();
            var (ids, mask) = Pad(micro);
            var sum = MaskedCrossEntropy.NextTokenSum(model.forward(ids), ids, mask);
            (sum / MaskedCrossEntropy.NextTokenCount(mask) / 4.0).backward();
        }
        var meanOfMeans = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        Assert.Contains(full.Keys, name => RelativeError(meanOfMeans[name], full[name]) > 1e-2);
    }

    private static Dictionary<string, Tensor> Gradients(TinyLm model, IReadOnlyList<int[][]> microBatches, long totalTokens, out double loss)
    {
        model.zero_grad();
        var accumulator = new GradientAccumulator(totalTokens);
        foreach (var micro in microBatches)
        {
            using var scope = NewDisposeScope();
            var (ids, mask) = Pad(micro);  // each micro-batch padded to its own longest row
            accumulator.Backward(MaskedCrossEntropy.NextTokenSum(model.forward(ids), ids, mask));
        }
        loss = accumulator.Loss;
        return model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
    }

    private static Dictionary<string, Tensor> StepWith(TinyLm model, Dictionary<string, Tensor> initial, Dictionary<string, Tensor> grads)
    {
        model.Restore(initial);
        var named = model.named_parameters().Select(p => (p.name, p.parameter)).ToList();
        using var adamw = new Finetune.Torch.Training.Optimizers.AdamW(named, new AdamWOptions { LearningRate = 0.01, WeightDecay = 0.1 });
        foreach (var (name, p) in named) p.grad = grads[name].clone();
        adamw.Step();
        return model.Snapshot();
    }

    private static (Tensor Ids, Tensor Mask) Pad(IReadOnlyList<int[]> rows)
    {
        int width = rows.Max(r => r.Length);
        var ids = new long[rows.Count * width];
        var mask = new bool[rows.Count * width];
        for (int r = 0; r < rows.Count; r++)
            for (int t = 0; t < rows[r].Length; t++)
            {
                ids[r * width + t] = rows[r][t];
                mask[r * width + t] = true;
            }
        return (tensor(ids, [rows.Count, width]), tensor(mask, [rows.Count, width]));
    }

    private static int[][] MakeRows()
    {
        var random = new SplitMix64(2024);
        return Lengths.Select(n => Enumerable.Range(0, n).Select(_ => 1 + (int)random.NextBelow(Vocab - 1)).ToArray()).ToArray();
    }

    /// <summary>An embedding and a linear head: logits (B, T, V) from ids (B, T).</summary>
    private sealed class TinyLm : nn.Module<Tensor, Tensor>
    {
        private readonly Embedding embed;
        private readonly Linear head;

        public TinyLm() : base(nameof(TinyLm))
        {
            var generator = new Generator(seed: 77);
            embed = nn.Embedding(Vocab, 5);
            head = nn.Linear(5, Vocab);
            using (no_grad())
                foreach (var (_, p) in named_parameters_of(embed, head)) p.copy_(randn(p.shape, generator: generator) * 0.5f);
            RegisterComponents();
        }

        public override Tensor forward(Tensor ids) => head.forward(embed.forward(ids).tanh());

        public Dictionary<string, Tensor> Snapshot() => named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());

        public void Restore(Dictionary<string, Tensor> values)
        {
            using var noGrad = no_grad();
            foreach (var (name, p) in named_parameters()) p.copy_(values[name]);
        }

        private static IEnumerable<(string, Parameter)> named_parameters_of(params nn.Module[] modules) =>
            modules.SelectMany(m => m.named_parameters());
    }
}
