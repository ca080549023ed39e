using TorchSharp.Modules;
using static Finetune.Torch.Tests.Training.TrainingTensors;
using static TorchSharp.torch;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Tests.Training.Optimizers;

public sealed class OptimizerResumeTests
{
    [Theory]
    [InlineData(OptimizerKind.AdamW)]
    [InlineData(OptimizerKind.AdamW8bit)]
    public void Reloaded_state_continues_bit_identically(OptimizerKind kind)
    {
        // 6 steps straight vs 3 steps, state copied out, a fresh optimizer loading it, 3 more steps.
        // A 80x64 matrix (5120 elements: 8-bit state in AdamW8bit) and a 64-element bias (fp32 state).
        var generator = new Generator(seed: 11);
        long[][] shapes = [[80, 64], [64]];
        string[] names = ["proj.weight", "proj.bias"];
        var init = shapes.Select(s => randn(s, generator: generator)).ToList();
        var grads = Enumerable.Range(0, 6).Select(_ => shapes.Select(s => randn(s, generator: generator)).ToList()).ToList();
        var options = new AdamWOptions { LearningRate = 0.01, WeightDecay = 0.1 };

        var straight = Params(names, init);
        using (var optimizer = TrainingOptimizers.Create(kind, straight, options))
            Run(optimizer, straight, grads);

        var first = Params(names, init);
        Dictionary<string, Tensor> saved;
        using (var optimizer = TrainingOptimizers.Create(kind, first, options))
        {
            Run(optimizer, first, grads.Take(3));
            saved = optimizer.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        }

        var resumed = Params(names, first.Select(p => (Tensor)p.P).ToList());
        using (var optimizer = TrainingOptimizers.Create(kind, resumed, options))
        {
            optimizer.LoadStateDict(saved);
            Run(optimizer, resumed, grads.Skip(3));
            Assert.Equal(6L, optimizer.StateDict()["proj.weight.step"].item<long>());
        }

        for (int i = 0; i < names.Length; i++)
            Assert.True(BitEqual(straight[i].P, resumed[i].P), $"{names[i]} differs from the uninterrupted run");
    }

    private static List<(string Name, Parameter P)> Params(string[] names, IReadOnlyList<Tensor> values) =>
        names.Zip(values, (n, v) => (n, new Parameter(v.detach().clone()))).ToList();

    private static void Run(ITrainingOptimizer optimizer, List<(string Name, Parameter P)> parameters, IEnumerable<List<Tensor>> grads)
    {
        foreach (var step in grads)
        {
            for (int i = 0; i < parameters.Count; i++) parameters[i].P.grad = step[i].clone();
            optimizer.Step();
            optimizer.ZeroGrad();
        }
    }
}
