using Finetune.Torch.Models;
using Finetune.Torch.Tests.Training.Loop;
using Finetune.Torch.Training.Lora;
using static TorchSharp.torch;

namespace Finetune.Torch.Tests.Training.Lora;

public sealed class LoraAdapterTests
{
    private static readonly LoraOptions Options = new() { Rank = 4, Alpha = 8, FirstNewRow = 60, NewRowCount = 4, Seed = 3 };

    private static Tensor Logits(CausalLM model)
    {
        using var noGrad = no_grad();
        return model.forward(tensor(new long[] { 1, 5, 60, 9, 63, 2 }).unsqueeze(0));
    }

    [Fact]
    public void Attaching_freezes_the_base_initialises_as_PEFT_and_changes_no_output()
    {
        using var model = TrainerData.Model(TrainerData.Config());
        using var before = Logits(model);
        using var adapter = LoraAdapter.Attach(model, Options);
        using var after = Logits(model);

        Assert.True(TrainingTensors.BitEqual(before, after));                       // B = 0 and the rows start at the model's
        Assert.All(model.parameters(), p => Assert.False(p.requires_grad));
        // 2 layers x 7 targets x (A, B), then one set of new rows (tied head)
        Assert.Equal(2 * 7 * 2 + 1, adapter.Parameters.Count);
        Assert.Equal("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", adapter.Parameters[0].Name);
        Assert.Equal("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight", adapter.Parameters[^2].Name);
        Assert.Equal("base_model.model.model.embed_tokens.token_adapter.trainable_tokens_delta", adapter.Parameters[^1].Name);
        foreach (var (name, p) in adapter.Parameters)
        {
            Assert.True(p.requires_grad, name);
            Assert.Equal(ScalarType.Float32, p.dtype);
            if (name.EndsWith("lora_B.weight", StringComparison.Ordinal)) Assert.Equal(0.0, p.abs().max().item<float>());
            if (!name.EndsWith("lora_A.weight", StringComparison.Ordinal)) continue;
            // kaiming_uniform_(a=sqrt(5)) on (rank, in): U(-1/sqrt(in), 1/sqrt(in)); in = 64 (hidden) or 128 (down_proj)
            double bound = 1 / Math.Sqrt(p.shape[1]);
            Assert.Equal(4, p.shape[0]);
            Assert.True(p.abs().max().item<float>() <= bound, name);
            Assert.True(p.abs().max().item<float>() > 0.8 * bound, name);
        }
    }

    [Fact]
    public void The_adapted_forward_is_W_plus_alpha_over_rank_B_A_with_the_rows_replaced()
    {
        var config = TrainerData.Config(tied: false);
        using var model = TrainerData.Model(config);
        using var reference = TrainerData.Model(config);
        using var adapter = LoraAdapter.Attach(model, Options with { Targets = ["v_proj", "up_proj"] });
        using (no_grad())
        {
            var generator = new TorchSharp.torch.Generator(5);
            foreach (var (_, p) in adapter.Parameters) p.copy_(randn(p.shape, generator: generator) * 0.1);
            // by hand on the reference: W + (8/4) B A on v_proj and up_proj; rows 60..63 from the deltas
            var named = adapter.Parameters.ToDictionary(p => p.Name, p => p.P);
            for (int i = 0; i < 2; i++)
            {
                foreach (var (block, proj, weight) in new[] { ("self_attn", "v_proj", reference.model.layers[i].self_attn.v_proj.weight!), ("mlp", "up_proj", reference.model.layers[i].mlp.up_proj.weight!) })
                {
                    var module = $"base_model.model.model.layers.{i}.{block}.{proj}";
                    weight.add_(named[module + ".lora_B.weight"].matmul(named[module + ".lora_A.weight"]) * 2.0);
                }
            }
            reference.model.embed_tokens.weight!.narrow(0, 60, 4).copy_(named["base_model.model.model.embed_tokens.token_adapter.trainable_tokens_delta"]);
            reference.lm_head!.weight!.narrow(0, 60, 4).copy_(named["base_model.model.lm_head.token_adapter.trainable_tokens_delta"]);
        }
        Assert.Equal(2 * 2 * 2 + 2, adapter.Parameters.Count);
        using var expected = Logits(reference);
        using var actual = Logits(model);
        Assert.True(TrainingTensors.RelativeError(actual, expected) < 1e-5);

        adapter.Merge();                                                         // folded in: the plain model computes the same
        using var merged = Logits(model);
        Assert.True(TrainingTensors.RelativeError(merged, expected) < 1e-5);
        Assert.Null(model.TokenRows);
    }

    [Fact]
    public void Unknown_targets_and_bad_ranks_are_refused_by_name()
    {
        using var model = TrainerData.Model(TrainerData.Config());
        Assert.Contains("qkv_proj", Assert.Throws<ArgumentException>(() => LoraAdapter.Attach(model, Options with { Targets = ["qkv_proj"] })).Message);
        Assert.Contains("rank", Assert.Throws<ArgumentOutOfRangeException>(() => LoraAdapter.Attach(model, Options with { Rank = 0 })).Message);
        Assert.Contains("outside", Assert.Throws<ArgumentException>(() => LoraAdapter.Attach(model, Options with { FirstNewRow = 62 })).Message);
    }
}
