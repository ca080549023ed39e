using Finetune.Torch.Models;
using static TorchSharp.torch;

namespace Finetune.Torch.Tests.Models;

/// <summary>
/// An independent float64 forward pass of the four families, plain loops over the raw weights. It reads
/// only the config's numbers and the weights; every rule is written here again from transformers 4.56:
/// <list type="bullet">
/// <item>modeling_llama.py: LlamaRMSNorm.forward (x·rsqrt(mean(x²)+eps)·w), LlamaMLP.forward
///   (down(silu(gate(x))·up(x)), biases with mlp_bias), LlamaAttention.__init__ (q/k/v/o bias = attention_bias)
///   and forward (q/k/v views, apply_rotary_pos_emb with rotate_half, eager_attention_forward: softmax(q·kᵀ/√hd
///   + causal mask)·v with repeat_kv), LlamaDecoderLayer.forward (pre-norm residuals), LlamaModel.forward
///   (final norm), LlamaForCausalLM (lm_head, or embed_tokens when tied).</item>
/// <item>modeling_qwen2.py Qwen2Attention.__init__: q/k/v bias=True, o_proj bias=False.</item>
/// <item>modeling_qwen3.py Qwen3Attention.__init__/forward: q_norm/k_norm (RMSNorm over head_dim) on the
///   projected q and k before RoPE; q/k/v/o bias = attention_bias.</item>
/// <item>modeling_mistral.py MistralModel.forward with masking_utils.sliding_window_overlay: with a
///   sliding_window w, query i sees keys i − w &lt; j ≤ i. Qwen2/3: only with use_sliding_window, layers from
///   max_window_layers on (configuration_qwen2.py layer_types).</item>
/// <item>modeling_rope_utils.py: _compute_default_rope_parameters, _compute_linear_scaling_rope_parameters,
///   _compute_dynamic_ntk_parameters with dynamic_rope_update (seq_len = max position + 1),
///   _compute_yarn_parameters (attention factor on cos and sin), _compute_llama3_parameters.</item>
/// </list>
/// </summary>
internal sealed class NaiveDecoder(ModelConfig config, IReadOnlyDictionary<string, double[]> w)
{
    public static NaiveDecoder From(CausalLM model) => new(model.Config,
        model.named_parameters().ToDictionary(p => p.name, p => p.parameter.to_type(ScalarType.Float64).data<double>().ToArray()));

    private string Type => config.ModelType!;

    /// <summary>Logits [position][vocab] of one sequence at positions 0..T−1.</summary>
    public double[][] Logits(int[] ids)
    {
        int h = config.HiddenSize, hd = config.HeadDimension ?? h / config.NumAttentionHeads, nh = config.NumAttentionHeads;
        int nkv = config.NumKeyValueHeads ?? nh;
        bool qkvBias = Type == "qwen2" || (Type is "llama" or "qwen3" && config.AttentionBias);
        bool oBias = Type is "llama" or "qwen3" && config.AttentionBias;
        bool mlpBias = Type == "llama" && config.MlpBias;
        var (freq, scale) = Frequencies(hd, ids.Length);
        var x = ids.Select(id => w["model.embed_tokens.weight"].Skip(id * h).Take(h).ToArray()).ToArray();
        for (int l = 0; l < config.NumHiddenLayers; l++)
        {
            string p = $"model.layers.{l}.";
            int? window = Window(l);
            var normed = x.Select(v => Norm(v, w[p + "input_layernorm.weight"])).ToArray();
            var q = normed.Select(v => Project(p + "self_attn.q_proj", v, qkvBias)).ToArray();
            var k = normed.Select(v => Project(p + "self_attn.k_proj", v, qkvBias)).ToArray();
            var vv = normed.Select(v => Project(p + "self_attn.v_proj", v, qkvBias)).ToArray();
            if (Type == "qwen3")
            {
                q = q.Select(v => PerHead(v, nh, hd, w[p + "self_attn.q_norm.weight"])).ToArray();
                k = k.Select(v => PerHead(v, nkv, hd, w[p + "self_attn.k_norm.weight"])).ToArray();
            }
            q = q.Select((v, t) => Rotate(v, nh, hd, t, freq, scale)).ToArray();
            k = k.Select((v, t) => Rotate(v, nkv, hd, t, freq, scale)).ToArray();
            var outputs = new double[ids.Length][];
            for (int t = 0; t < ids.Length; t++)
            {
                var attended = new double[nh * hd];
                int first = window is int wnd ? Math.Max(0, t - wnd + 1) : 0;
                for (int head = 0; head < nh; head++)
                {
                    int kvHead = head / (nh / nkv);
                    var scores = new double[t + 1];
                    for (int s = first; s <= t; s++)
                    {
                        double dot = 0;
                        for (int d = 0; d < hd; d++) dot += q[t][head * hd + d] * k[s][kvHead * hd + d];
                        scores[s] = dot / Math.Sqrt(hd);
                    }
                    double max = scores[first..].Max(), sum = scores[first..].Sum(z => Math.Exp(z - max));
                    for (int s = first; s <= t; s++)
                        for (int d = 0; d < hd; d++)
                            attended[head * hd + d] += Math.Exp(scores[s] - max) / sum * vv[s][kvHead * hd + d];
                }
                outputs[t] = Project(p + "self_attn.o_proj", attended, oBias);
            }
            for (int t = 0; t < ids.Length; t++) Add(x[t], outputs[t]);
            for (int t = 0; t < ids.Length; t++)
            {
                var n = Norm(x[t], w[p + "post_attention_layernorm.weight"]);
                var gate = Project(p + "mlp.gate_proj", n, mlpBias);
                var up = Project(p + "mlp.up_proj", n, mlpBias);
                var hidden = gate.Select((g, i) => g / (1 + Math.Exp(-g)) * up[i]).ToArray();
                Add(x[t], Project(p + "mlp.down_proj", hidden, mlpBias));
            }
        }
        var output = config.TieWordEmbeddings ? w["model.embed_tokens.weight"] : w["lm_head.weight"];
        return x.Select(v => MatVec(output, Norm(v, w["model.norm.weight"]))).ToArray();
    }

    /// <summary>Mistral: sliding_window on every layer; Qwen: with use_sliding_window, from max_window_layers (or layer_types).</summary>
    private int? Window(int layer) => Type switch
    {
        "mistral" => config.SlidingWindow,
        "qwen2" or "qwen3" when config.UseSlidingWindow == true => config.LayerTypes is { } types
            ? types[layer] == "sliding_attention" ? config.SlidingWindow : null
            : layer >= (config.MaxWindowLayers ?? 28) ? config.SlidingWindow : null,
        _ => null,
    };

    /// <summary>Inverse frequencies θ^(−2i/d) with the rope_scaling rule, and the cos/sin scale, for a sequence of <paramref name="length"/>.</summary>
    private (double[] Freq, double Scale) Frequencies(int hd, int length)
    {
        double theta = config.RopeTheta;
        double[] Base(double b) => Enumerable.Range(0, hd / 2).Select(i => 1.0 / Math.Pow(b, 2.0 * i / hd)).ToArray();
        var s = config.RopeScaling;
        switch (s?.RopeType ?? s?.Type)
        {
            case "linear":
                return (Base(theta).Select(f => f / s!.Factor!.Value).ToArray(), 1);
            case "dynamic":
            {
                double max = config.MaxPositionEmbeddings, factor = s!.Factor!.Value, len = Math.Max(length, max);
                return (Base(theta * Math.Pow(factor * len / max - (factor - 1), hd / (hd - 2.0))), 1);
            }
            case "yarn":
            {
                double factor = s!.Factor!.Value, original = config.MaxPositionEmbeddings;
                if (s.OriginalMaxPositionEmbeddings is int o) (original, factor) = (o, config.MaxPositionEmbeddings / (double)o);
                double Correction(double rotations) => hd * Math.Log(original / (rotations * 2 * Math.PI)) / (2 * Math.Log(theta));
                double low = Correction(s.BetaFast ?? 32), high = Correction(s.BetaSlow ?? 1);
                if (s.Truncate ?? true) (low, high) = (Math.Floor(low), Math.Ceiling(high));
                (low, high) = (Math.Max(low, 0), Math.Min(high, hd - 1));
                if (low == high) high += 0.001;
                var freq = Base(theta).Select((f, i) =>
                {
                    double extrapolate = 1 - Math.Clamp((i - low) / (high - low), 0, 1);
                    return f / factor * (1 - extrapolate) + f * extrapolate;
                }).ToArray();
                return (freq, s.AttentionFactor ?? (factor <= 1 ? 1 : 0.1 * Math.Log(factor) + 1));
            }
            case "llama3":
            {
                double factor = s!.Factor!.Value, lowF = s.LowFreqFactor!.Value, highF = s.HighFreqFactor!.Value, original = s.OriginalMaxPositionEmbeddings!.Value;
                return (Base(theta).Select(fi =>
                {
                    double wavelen = 2 * Math.PI / fi;
                    if (wavelen < original / highF) return fi;
                    if (wavelen > original / lowF) return fi / factor;
                    double smooth = (original / wavelen - lowF) / (highF - lowF);
                    return (1 - smooth) * fi / factor + smooth * fi;
                }).ToArray(), 1);
            }
            default:
                return (Base(theta), 1);
        }
    }

    /// <summary>rotate_half RoPE: pairs (i, i + hd/2) turned by position·freq[i], times the attention scale.</summary>
    private static double[] Rotate(double[] v, int heads, int hd, int position, double[] freq, double scale)
    {
        var r = (double[])v.Clone();
        for (int head = 0; head < heads; head++)
            for (int i = 0; i < hd / 2; i++)
            {
                double a = v[head * hd + i], b = v[head * hd + i + hd / 2], angle = position * freq[i];
                double cos = Math.Cos(angle) * scale, sin = Math.Sin(angle) * scale;
                r[head * hd + i] = a * cos - b * sin;
                r[head * hd + i + hd / 2] = b * cos + a * sin;
            }
        return r;
    }

    private double[] PerHead(double[] v, int heads, int hd, double[] weight)
    {
        var r = new double[v.Length];
        for (int head = 0; head < heads; head++)
            Norm(v[(head * hd)..((head + 1) * hd)], weight).CopyTo(r, head * hd);
        return r;
    }

    private double[] Project(string name, double[] v, bool bias)
    {
        var r = MatVec(w[name + ".weight"], v);
        if (bias) Add(r, w[name + ".bias"]);
        return r;
    }

    private double[] Norm(double[] v, double[] weight)
    {
        double rms = Math.Sqrt(v.Sum(z => z * z) / v.Length + config.RmsNormEps);
        return v.Select((z, i) => z / rms * weight[i]).ToArray();
    }

    private static double[] MatVec(double[] m, double[] v)
    {
        int rows = m.Length / v.Length;
        var r = new double[rows];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < v.Length; j++) r[i] += m[i * v.Length + j] * v[j];
        return r;
    }

    private static void Add(double[] x, double[] y)
    {
        for (int i = 0; i < x.Length; i++) x[i] += y[i];
    }
}
