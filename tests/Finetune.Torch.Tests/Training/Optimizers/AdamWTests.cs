using TorchSharp.Modules;
using static Finetune.Torch.Tests.Training.TrainingTensors;
using static TorchSharp.torch;

namespace Finetune.Torch.Tests.Training.Optimizers;

public sealed class AdamWTests
{
    [Fact]
    public void Two_steps_on_a_two_element_weight_match_the_hand_computed_update()
    {
        // Worked in float64 (torch.optim.AdamW's formulas: decay first, then the bias-corrected Adam step):
        // lr 0.1, b1 0.9, b2 0.999, eps 1e-8, wd 0.01, p = [1, -2], g1 = [0.5, -1], g2 = [0.1, 0.2].
        // step 1: p *= 0.999 -> [0.999, -1.998]; m = [0.05, -0.1]; v = [0.00025, 0.001];
        //         m^ = m/0.1 = [0.5, -1]; v^ = v/0.001 = [0.25, 1]; p -= 0.1 * m^/(sqrt(v^)+1e-8)
        //         -> [0.899000002, -1.898000001]
        // step 2: p *= 0.999; m = 0.9m + 0.1g = [0.055, -0.07]; v = 0.999v + 0.001g^2 = [0.00025975, 0.001039];
        //         m^ = m/0.19; v^ = v/0.001999 -> [0.8177969063826518, -1.8449993939894946]
        var w = Param([1f, -2f], 1, 2);  // 2-D so it is in the decayed group
        using var adamw = new Finetune.Torch.Training.Optimizers.AdamW([("w", w)], Options(weightDecay: 0.01));

        w.grad = tensor(new[] { 0.5f, -1f }, [1, 2]);
        adamw.Step();
        AssertClose([0.899000002, -1.898000001], Values(w), 1e-6);

        w.grad = tensor(new[] { 0.1f, 0.2f }, [1, 2]);
        adamw.Step();
        AssertClose([0.8177969063826518, -1.8449993939894946], Values(w), 1e-6);
    }

    [Fact]
    public void Matches_TorchSharp_AdamW_with_the_same_parameter_groups_over_several_steps()
    {
        var generator = new Generator(seed: 1234);
        string[] names = ["model.embed_tokens.weight", "model.layers.0.self_attn.q_proj.weight", "model.layers.0.input_layernorm.weight", "lm_head.bias"];
        long[][] shapes = [[8, 6], [6, 6], [6], [8]];
        var ours = names.Zip(shapes, (n, s) => (Name: n, P: Random(generator, s))).ToList();
        var theirs = ours.Select(p => new Parameter(p.P.detach().clone())).ToList();
        var options = Options(weightDecay: 0.1);

        using var ourOptimizer = new Finetune.Torch.Training.Optimizers.AdamW(ours, options);
        var decayed = new[] { theirs[0], theirs[1] };
        var notDecayed = new[] { theirs[2], theirs[3] };
        var reference = optim.AdamW(
            [new TorchSharp.Modules.AdamW.ParamGroup(decayed, lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.1),
             new TorchSharp.Modules.AdamW.ParamGroup(notDecayed, lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.0)],
            lr: 0.1);

        for (int step = 0; step < 6; step++)
        {
            for (int i = 0; i < ours.Count; i++)
            {
                var g = randn(shapes[i], generator: generator);
                ours[i].P.grad = g.clone();
                theirs[i].grad = g;
            }
            ourOptimizer.Step();
            reference.step();
        }

        for (int i = 0; i < ours.Count; i++)
            Assert.True(RelativeError(ours[i].P, theirs[i]) <= 1e-6, $"{names[i]}: relative error {RelativeError(ours[i].P, theirs[i])}");
        // The reference decays the two matrices only (factor 0.99 a step): a grouping error shows as ~6%.
    }

    [Fact]
    public void Parameters_without_a_gradient_are_left_alone_and_keep_step_zero()
    {
        var w = Param([1f, 2f], 1, 2);
        var frozen = Param([3f, 4f], 1, 2);
        using var adamw = new Finetune.Torch.Training.Optimizers.AdamW([("w", w), ("frozen", frozen)], Options(weightDecay: 0.1));
        w.grad = tensor(new[] { 1f, 1f }, [1, 2]);
        adamw.Step();
        Assert.Equal([3.0, 4.0], Values(frozen));
        Assert.Equal(0L, adamw.StateDict()["frozen.step"].item<long>());
        Assert.Equal(1L, adamw.StateDict()["w.step"].item<long>());
    }

    internal static Finetune.Torch.Training.Optimizers.AdamWOptions Options(double weightDecay, double lr = 0.1) =>
        new() { LearningRate = lr, Beta1 = 0.9, Beta2 = 0.999, Eps = 1e-8, WeightDecay = weightDecay };

    internal static void AssertClose(double[] expected, double[] actual, double relative)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= relative * Math.Abs(expected[i]),
                $"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
    }
}
