using static TorchSharp.torch;

namespace Finetune.Torch.Models;

/// <summary>
/// Rotary position embedding in Hugging Face's <c>rotate_half</c> layout (pair i with i + head_dim/2).
/// Inverse frequencies and the cos/sin scale follow transformers 4.56 <c>modeling_rope_utils</c>
/// (<c>_compute_default_rope_parameters</c>, <c>_compute_linear_scaling_rope_parameters</c>,
/// <c>_compute_dynamic_ntk_parameters</c>, <c>_compute_yarn_parameters</c>, <c>_compute_llama3_parameters</c>),
/// in fp32 as there. <c>dynamic</c> is recomputed for each forward whose last position passes
/// <c>max_position_embeddings</c> (transformers keeps the largest frequencies seen until a short input
/// resets them; for one growing sequence the two agree).
/// </summary>
public sealed class Rope
{
    private readonly ModelConfig _config;
    private readonly float[] _invFreq;

    public Rope(ModelConfig config)
    {
        _config = config;
        (_invFreq, AttentionScaling) = Parameters(config);
    }

    public IReadOnlyList<float> InvFreq => _invFreq;

    /// <summary>cos and sin are multiplied by this (yarn's attention factor; 1 otherwise).</summary>
    public double AttentionScaling { get; }

    /// <summary>cos and sin for positions <c>(T)</c> or <c>(B, T)</c>: <c>(1|B, 1, T, head_dim)</c> in <paramref name="dtype"/>.</summary>
    public (Tensor Cos, Tensor Sin) Compute(Tensor positions, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var frequencies = _invFreq;
        if (_config.RopeScaling?.Kind == "dynamic")
        {
            long length = positions.max().item<long>() + 1;
            if (length > _config.MaxPositionEmbeddings) frequencies = Parameters(_config, length).InvFreq;
        }
        var invFreq = tensor(frequencies, device: positions.device);                  // (hd/2)
        var pos = (positions.dim() == 1 ? positions.unsqueeze(0) : positions).to_type(ScalarType.Float32);
        var freqs = pos.unsqueeze(-1) * invFreq;                                       // (B, T, hd/2)
        var emb = cat([freqs, freqs], -1).unsqueeze(1);                                // (B, 1, T, hd)
        var cos = (emb.cos() * AttentionScaling).to_type(dtype);
        var sin = (emb.sin() * AttentionScaling).to_type(dtype);
        return (cos.MoveToOuterDisposeScope(), sin.MoveToOuterDisposeScope());
    }

    /// <summary><c>x * cos + rotate_half(x) * sin</c> for <c>x</c> of shape <c>(B, heads, T, head_dim)</c>.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        long half = x.shape[^1] / 2;
        var rotated = cat([-x.narrow(-1, half, half), x.narrow(-1, 0, half)], -1);
        return (x * cos + rotated * sin).MoveToOuterDisposeScope();
    }

    public static float[] InverseFrequencies(ModelConfig config) => Parameters(config).InvFreq;

    /// <summary>Inverse frequencies and the cos/sin scale; <paramref name="length"/> is dynamic's sequence length.</summary>
    public static (float[] InvFreq, double AttentionScaling) Parameters(ModelConfig config, long? length = null)
    {
        int dim = config.HeadDim;
        using var scope = NewDisposeScope();
        var s = config.RopeScaling;
        switch (s?.Kind)
        {
            case "linear":
                return (Values(Default(config.RopeTheta, dim) / (float)s.Factor!.Value), 1.0);
            case "dynamic":
            {
                // base · (factor · len / max − (factor − 1))^(dim / (dim − 2)), len at least max (then it is the default).
                float max = config.MaxPositionEmbeddings, factor = (float)s.Factor!.Value;
                float len = Math.Max(length ?? config.MaxPositionEmbeddings, config.MaxPositionEmbeddings);
                float theta = (float)config.RopeTheta * MathF.Pow(factor * len / max - (factor - 1), dim / (float)(dim - 2));
                return (Values(Default(theta, dim)), 1.0);
            }
            case "yarn":
                return Yarn(config, s, dim);
            case "llama3":
                return (Values(Llama3(Default(config.RopeTheta, dim), (float)s.Factor!.Value, (float)s.LowFreqFactor!.Value,
                    (float)s.HighFreqFactor!.Value, s.OriginalMaxPositionEmbeddings!.Value)), 1.0);
            default:
                return (Values(Default(config.RopeTheta, dim)), 1.0);
        }
    }

    /// <summary><c>1 / base^(arange(0, dim, 2) / dim)</c> in fp32.</summary>
    private static Tensor Default(double theta, int dim)
    {
        var exponents = arange(0, dim, 2, ScalarType.Int64).to_type(ScalarType.Float32) / dim;
        return 1.0f / pow(tensor((float)theta), exponents);
    }

    private static float[] Values(Tensor t) => t.data<float>().ToArray();

    /// <summary>Long wavelengths slowed by <c>factor</c>, short ones kept, the band between blended smoothly.</summary>
    private static Tensor Llama3(Tensor invFreq, float factor, float lowFreqFactor, float highFreqFactor, int originalMax)
    {
        float lowFreqWavelen = originalMax / lowFreqFactor;
        float highFreqWavelen = originalMax / highFreqFactor;
        var wavelen = 2 * (float)Math.PI / invFreq;
        var scaled = where(wavelen > lowFreqWavelen, invFreq / factor, invFreq);
        var smooth = (originalMax / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
        var smoothed = (1 - smooth) * scaled / factor + smooth * scaled;
        var medium = (wavelen < highFreqWavelen).logical_not().logical_and((wavelen > lowFreqWavelen).logical_not());
        return where(medium, smoothed, scaled);
    }

    /// <summary>
    /// YaRN: dimensions that turn fewer than <c>beta_slow</c> times over the original context are
    /// interpolated (divided by the factor), more than <c>beta_fast</c> times kept, a linear ramp between;
    /// cos/sin scaled by the attention factor <c>0.1·mscale·ln(factor) + 1</c>.
    /// </summary>
    private static (float[], double) Yarn(ModelConfig config, RopeScaling s, int dim)
    {
        double factor = s.Factor!.Value;
        int originalMax = config.MaxPositionEmbeddings;
        if (s.OriginalMaxPositionEmbeddings is int original)
        {
            originalMax = original;
            factor = (double)config.MaxPositionEmbeddings / original;
        }
        static double MScale(double scale, double mscale) => scale <= 1 ? 1.0 : 0.1 * mscale * Math.Log(scale) + 1.0;
        double attention = s.AttentionFactor
            ?? (s is { Mscale: { } m and not 0, MscaleAllDim: { } all and not 0 } ? MScale(factor, m) / MScale(factor, all) : MScale(factor, 1));
        double betaFast = s.BetaFast is { } bf and not 0 ? bf : 32, betaSlow = s.BetaSlow is { } bs and not 0 ? bs : 1;
        double CorrectionDim(double rotations) =>
            dim * Math.Log(originalMax / (rotations * 2 * Math.PI)) / (2 * Math.Log(config.RopeTheta));
        double low = CorrectionDim(betaFast), high = CorrectionDim(betaSlow);
        if (s.Truncate ?? true) (low, high) = (Math.Floor(low), Math.Ceiling(high));
        low = Math.Max(low, 0);
        high = Math.Min(high, dim - 1);
        if (low == high) high += 0.001;

        var exponents = arange(0, dim, 2, ScalarType.Int64).to_type(ScalarType.Float32) / dim;
        var posFreqs = pow(tensor((float)config.RopeTheta), exponents);
        var extrapolation = 1.0f / posFreqs;
        var interpolation = 1.0f / ((float)factor * posFreqs);
        var ramp = ((arange(dim / 2, ScalarType.Float32) - (float)low) / (float)(high - low)).clamp(0, 1);
        var keep = 1 - ramp;                                                            // 1 = extrapolate (keep)
        return (Values(interpolation * (1 - keep) + extrapolation * keep), attention);
    }
}
