using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Finetune.Torch.Models;

/// <summary>
/// Grouped-query self-attention: q/k/v projections (biased for Qwen2, or with <c>attention_bias</c>),
/// Qwen3's per-head RMSNorm on q and k, RoPE on q and k, past keys/values from the cache, K/V heads
/// repeated to the query heads (TorchSharp's SDPA has no <c>enable_gqa</c>), scaled dot-product attention.
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
    public RmsNorm? q_norm;
    public RmsNorm? k_norm;

    public Attention(ModelConfig config, int layer, ScalarType dtype, Device? device, bool initialize = true) : base(nameof(Attention))
    {
        _layer = layer;
        _heads = config.NumAttentionHeads;
        _kvHeads = config.KeyValueHeads;
        _headDim = config.HeadDim;
        var family = config.Family;
        bool outputBias = family.ReadsAttentionBias && config.AttentionBias;
        bool inputBias = family.QueryKeyValueBias || outputBias;
        q_proj = Layers.Linear(config.HiddenSize, _heads * _headDim, dtype, device, initialize, inputBias);
        k_proj = Layers.Linear(config.HiddenSize, _kvHeads * _headDim, dtype, device, initialize, inputBias);
        v_proj = Layers.Linear(config.HiddenSize, _kvHeads * _headDim, dtype, device, initialize, inputBias);
        o_proj = Layers.Linear(_heads * _headDim, config.HiddenSize, dtype, device, initialize, outputBias);
        if (family.QueryKeyNorm)
        {
            q_norm = new RmsNorm(_headDim, config.RmsNormEps, dtype, device);
            k_norm = new RmsNorm(_headDim, config.RmsNormEps, dtype, device);
        }
        Window = config.WindowOf(layer);
        RegisterComponents();
    }

    /// <summary>Updates added to the projections' outputs by projection name (LoRA); null = none. Not in the state dict.</summary>
    public IReadOnlyDictionary<string, IProjectionDelta>? Deltas { get; set; }

    /// <summary>Sliding window of this layer (a query sees itself and the window − 1 positions before it); null = full.</summary>
    public int? Window { get; }

    /// <param name="x">(B, T, hidden)</param>
    /// <param name="cos">(1|B, 1, T, head_dim)</param>
    /// <param name="sin">(1|B, 1, T, head_dim)</param>
    /// <param name="mask">bool (B|1, 1, T, S), true = may attend; null = plain causal</param>
    /// <param name="cache">past keys/values, updated in place</param>
    public Tensor forward(Tensor x, Tensor cos, Tensor sin, Tensor? mask, KvCache? cache)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], t = x.shape[1];
        var q = Project(q_proj, "q_proj", x).view(b, t, _heads, _headDim);                   // (B, T, nh, hd)
        var k = Project(k_proj, "k_proj", x).view(b, t, _kvHeads, _headDim);                 // (B, T, nkv, hd)
        var v = Project(v_proj, "v_proj", x).view(b, t, _kvHeads, _headDim).transpose(1, 2); // (B, nkv, T, hd)
        if (q_norm is not null && k_norm is not null) (q, k) = (q_norm.forward(q), k_norm.forward(k));
        q = Rope.Apply(q.transpose(1, 2), cos, sin);                                    // (B, nh, T, hd)
        k = Rope.Apply(k.transpose(1, 2), cos, sin);                                    // (B, nkv, T, hd)
        if (cache != null) (k, v) = cache.Update(_layer, k, v);                         // (B, nkv, S, hd)
        int groups = _heads / _kvHeads;
        if (groups > 1)
        {
            k = k.repeat_interleave(groups, dim: 1);                                     // (B, nh, S, hd)
            v = v.repeat_interleave(groups, dim: 1);
        }
        bool causal = mask is null && t > 1;
        var y = nn.functional.scaled_dot_product_attention(q, k, v, mask, 0.0, is_casual: causal); // (B, nh, T, hd)
        y = y.transpose(1, 2).reshape(b, t, _heads * _headDim);
        return Project(o_proj, "o_proj", y).MoveToOuterDisposeScope();
    }

    private Tensor Project(Linear layer, string name, Tensor x) => ProjectionDeltas.Apply(layer, Deltas, name, x);
}
