using TorchSharp;
using static TorchSharp.torch;

namespace Finetune.Torch.Models;

/// <summary>Pre-norm transformer block: <c>h = x + attn(norm(x)); out = h + mlp(norm(h))</c>.</summary>
public sealed class DecoderLayer : nn.Module
{
    public Attention self_attn;
    public Mlp mlp;
    public RmsNorm input_layernorm;
    public RmsNorm post_attention_layernorm;

    public DecoderLayer(ModelConfig config, int layer, ScalarType dtype, Device? device, bool initialize = true) : base(nameof(DecoderLayer))
    {
        self_attn = new Attention(config, layer, dtype, device, initialize);
        mlp = new Mlp(config, dtype, device, initialize);
        input_layernorm = new RmsNorm(config.HiddenSize, config.RmsNormEps, dtype, device);
        post_attention_layernorm = new RmsNorm(config.HiddenSize, config.RmsNormEps, dtype, device);
        RegisterComponents();
    }

    public Tensor forward(Tensor x, Tensor cos, Tensor sin, Tensor? mask, KvCache? cache)
    {
        using var scope = NewDisposeScope();
        var h = x + self_attn.forward(input_layernorm.forward(x), cos, sin, mask, cache);
        var output = h + mlp.forward(post_attention_layernorm.forward(h));
        return output.MoveToOuterDisposeScope();
    }
}
