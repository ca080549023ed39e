using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Finetune.Torch.Models;

/// <summary>
/// Grouped-query self-attention: RoPE on q and k, past keys/values from the cache, K/V heads repeated
/// to the query heads (TorchSharp's SDPA has no <c>enable_gqa</c>), scaled dot-product attention.
/// </summary>
public sealed class Attention : nn.Module
{
    private readonly int _layer;
    private readonly int _heads;
    private readonly int _kvHeads;
    private readonly int _headDim;

    public Linear q_proj;
    public Linear k_proj;
    public Linear v_proj;
    public Linear o_proj;

    public Attention(ModelConfig config, int layer, ScalarType dtype, Device? device, bool initialize = true) : base(nameof(Attention))
    {
        _layer = layer;
        _heads = config.NumAttentionHeads;
        _kvHeads = config.KeyValueHeads;
        _headDim = config.HeadDim;
        q_proj = Layers.Linear(config.HiddenSize, _heads * _headDim, dtype, device, initialize);
        k_proj = Layers.Linear(config.HiddenSize, _kvHeads * _headDim, dtype, device, initialize);
        v_proj = Layers.Linear(config.HiddenSize, _kvHeads * _headDim, dtype, device, initialize);
        o_proj = Layers.Linear(_heads * _headDim, config.HiddenSize, dtype, device, initialize);
        RegisterComponents();
    }

    /// <param name="x">(B, T, hidden)</param>
    /// <param name="cos">(1|B, 1, T, head_dim)</param>
    /// <param name="sin">(1|B, 1, T, head_dim)</param>
    /// <param name="mask">bool (B|1, 1, T, S), true = may attend; null = plain causal</param>
    /// <param name="cache">past keys/values, updated in place</param>
    public Tensor forward(Tensor x, Tensor cos, Tensor sin, Tensor? mask, KvCache? cache)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], t = x.shape[1];
        var q = q_proj.forward(x).view(b, t, _heads, _headDim).transpose(1, 2);      // (B, nh, T, hd)
        var k = k_proj.forward(x).view(b, t, _kvHeads, _headDim).transpose(1, 2);    // (B, nkv, T, hd)
        var v = v_proj.forward(x).view(b, t, _kvHeads, _headDim).transpose(1, 2);    // (B, nkv, T, hd)
        q = Rope.Apply(q, cos, sin);
        k = Rope.Apply(k, cos, sin);
        if (cache != null) (k, v) = cache.Update(_layer, k, v);                       // (B, nkv, S, hd)
        int groups = _heads / _kvHeads;
        if (groups > 1)
        {
            k = k.repeat_interleave(groups, dim: 1);                                   // (B, nh, S, hd)
            v = v.repeat_interleave(groups, dim: 1);
        }
        bool causal = mask is null && t > 1;
        var y = nn.functional.scaled_dot_product_attention(q, k, v, mask, 0.0, is_casual: causal); // (B, nh, T, hd)
        y = y.transpose(1, 2).reshape(b, t, _heads * _headDim);
        return o_proj.forward(y).MoveToOuterDisposeScope();
    }
}
