using static TorchSharp.torch;

namespace Finetune.Torch.Models;

/// <summary>
/// Rotary position embedding in Hugging Face's <c>rotate_half</c> layout (pair i with i + head_dim/2).
/// Inverse frequencies follow transformers' <c>_compute_default_rope_parameters</c>, and for
/// <c>rope_scaling</c> its linear and <c>_compute_llama3_parameters</c> rules, all in fp32.
/// </summary>
public sealed class Rope
{
    private readonly float[] _invFreq;

    public Rope(ModelConfig config)
    {
        _invFreq = InverseFrequencies(config);
    }

    public IReadOnlyList<float> InvFreq => _invFreq;

    /// <summary>cos and sin for positions <c>(T)</c> or <c>(B, T)</c>: <c>(1|B, 1, T, head_dim)</c> in <paramref name="dtype"/>.</summary>
    public (Tensor Cos, Tensor Sin) Compute(Tensor positions, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var invFreq = tensor(_invFreq, device: positions.device);                    // (hd/2)
        var pos = (positions.dim() == 1 ? positions.unsqueeze(0) : positions).to_type(ScalarType.Float32);
        var freqs = pos.unsqueeze(-1) * invFreq;                                       // (B, T, hd/2)
        var emb = cat([freqs, freqs], -1).unsqueeze(1);                                // (B, 1, T, hd)
        var cos = emb.cos().to_type(dtype);
        var sin = emb.sin().to_type(dtype);
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

    public static float[] InverseFrequencies(ModelConfig config)
    {
        int dim = config.HeadDim;
        using var scope = NewDisposeScope();
        var exponents = arange(0, dim, 2, ScalarType.Int64).to_type(ScalarType.Float32) / dim;
        var invFreq = 1.0f / pow(tensor((float)config.RopeTheta), exponents);
        var s = config.RopeScaling;
        switch (s?.Kind)
        {
            case "linear":
                invFreq = invFreq / (float)s.Factor!.Value;
                break;
            case "llama3":
                invFreq = Llama3(invFreq, (float)s.Factor!.Value, (float)s.LowFreqFactor!.Value, (float)s.HighFreqFactor!.Value, s.OriginalMaxPositionEmbeddings!.Value);
                break;
        }
        return invFreq.data<float>().ToArray();
    }

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
}
