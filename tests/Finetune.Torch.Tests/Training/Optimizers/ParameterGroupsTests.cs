using TorchSharp.Modules;
using static TorchSharp.torch;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Tests.Training.Optimizers;

public sealed class ParameterGroupsTests
{
    [Theory]
    [InlineData("model.embed_tokens.weight", 2, true)]
    [InlineData("model.layers.0.self_attn.q_proj.weight", 2, true)]
    [InlineData("lm_head.weight", 2, true)]
    [InlineData("model.layers.0.input_layernorm.weight", 1, false)]
    [InlineData("model.norm.weight", 1, false)]
    [InlineData("model.layers.3.post_attention_layernorm.weight", 1, false)]
    [InlineData("proj.bias", 1, false)]
    [InlineData("odd.bias", 2, false)]         // name says bias
    [InlineData("RMSNorm.scale", 2, false)]   // name says norm, any case
    [InlineData("plain_vector", 1, false)]    // 1-D
    public void Norms_biases_and_vectors_get_no_weight_decay(string name, int dims, bool decayed)
    {
        using var parameter = new Parameter(dims == 1 ? zeros(4) : zeros(4, 4));
        Assert.Equal(decayed, ParameterGroups.IsDecayed(name, parameter));
    }
}
