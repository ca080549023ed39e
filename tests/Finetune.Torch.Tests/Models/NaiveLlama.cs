using Finetune.Torch.Models;
using static TorchSharp.torch;

namespace Finetune.Torch.Tests.Models;

/// <summary>
/// An independent float64 Llama forward pass written with plain loops over the raw weights (RMSNorm,
/// rotate_half RoPE with its own llama3 frequency rule, per-head causal softmax attention, SwiGLU).
/// </summary>
internal sealed class NaiveLlama(ModelConfig config, IReadOnlyDictionary<string, double[]> w)
{
    public static NaiveLlama From(CausalLM model) => new(model.Config,
        model.named_parameters().ToDictionary(p => p.name, p => p.parameter.to_type(ScalarType.Float64).data<double>().ToArray()));

    /// <summary>Logits [position][vocab].</summary>
    public double[][] Logits(int[] ids)
    {
        int h = config.HiddenSize, hd = config.HeadDim, nh = config.NumAttentionHeads, nkv = config.KeyValueHeads;
        var freq = Frequencies();
        var x = ids.Select(id => w["model.embed_tokens.weight"].Skip(id * h).Take(h).ToArray()).ToArray();
        for (int l = 0; l < config.NumHiddenLayers; l++)
        {
            string p = $"model.layers.{l}.";
            var normed = x.Select(v => Norm(v, w[p + "input_layernorm.weight"])).ToArray();
            var q = normed.Select((v, t) => Rotate(MatVec(w[p + "self_attn.q_proj.weight"], v), nh, hd, t, freq)).ToArray();
            var k = normed.Select((v, t) => Rotate(MatVec(w[p + "self_attn.k_proj.weight"], v), nkv, hd, t, freq)).ToArray();
            var vv = normed.Select(v => MatVec(w[p + "self_attn.v_proj.weight"], v)).ToArray();
            for (int t = 0; t < ids.Length; t++)
            {
                var attended = new double[nh * hd];
                for (int head = 0; head < nh; head++)
                {
                    int kvHead = head / (nh / nkv);
                    var scores = new double[t + 1];
                    for (int s = 0; s <= t; s++)
                    {
                        double dot = 0;
                        for (int d = 0; d < hd; d++) dot += q[t][head * hd + d] * k[s][kvHead * hd + d];
                        scores[s] = dot / Math.Sqrt(hd);
                    }
                    double max = scores.Max(), sum = scores.Sum(z => Math.Exp(z - max));
                    for (int s = 0; s <= t; s++)
                        for (int d = 0; d < hd; d++)
                            attended[head * hd + d] += Math.Exp(scores[s] - max) / sum * vv[s][kvHead * hd + d];
                }
                Add(x[t], MatVec(w[p + "self_attn.o_proj.weight"], attended));
            }
            for (int t = 0; t < ids.Length; t++)
            {
                var n = Norm(x[t], w[p + "post_attention_layernorm.weight"]);
                var gate = MatVec(w[p + "mlp.gate_proj.weight"], n);
                var up = MatVec(w[p + "mlp.up_proj.weight"], n);
                var hidden = gate.Select((g, i) => g / (1 + Math.Exp(-g)) * up[i]).ToArray();
                Add(x[t], MatVec(w[p + "mlp.down_proj.weight"], hidden));
            }
        }
        var output = config.TieWordEmbeddings ? w["model.embed_tokens.weight"] : w["lm_head.weight"];
        return x.Select(v => MatVec(output, Norm(v, w["model.norm.weight"]))).ToArray();
    }

    /// <summary>θ^(-2i/d), then llama3: long wavelengths / factor, short kept, between blended.</summary>
    private double[] Frequencies()
    {
        int hd = config.HeadDim;
        var f = Enumerable.Range(0, hd / 2).Select(i => 1.0 / Math.Pow(config.RopeTheta, 2.0 * i / hd)).ToArray();
        if (config.RopeScaling is not { Kind: "llama3" } s) return f;
        double factor = s.Factor!.Value, low = s.LowFreqFactor!.Value, high = s.HighFreqFactor!.Value, original = s.OriginalMaxPositionEmbeddings!.Value;
        return f.Select(fi =>
        {
            double wavelen = 2 * Math.PI / fi;
            if (wavelen < original / high) return fi;
            if (wavelen > original / low) return fi / factor;
            double smooth = (original / wavelen - low) / (high - low);
            return (1 - smooth) * fi / factor + smooth * fi;
        }).ToArray();
    }

    private static double[] Rotate(double[] v, int heads, int hd, int position, double[] freq)
    {
        var r = (double[])v.Clone();
        for (int head = 0; head < heads; head++)
            for (int i = 0; i < hd / 2; i++)
            {
                double a = v[head * hd + i], b = v[head * hd + i + hd / 2], angle = position * freq[i];
                r[head * hd + i] = a * Math.Cos(angle) - b * Math.Sin(angle);
                r[head * hd + i + hd / 2] = b * Math.Cos(angle) + a * Math.Sin(angle);
            }
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
