using Finetune.Text.Gguf;
using Finetune.Torch.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Finetune.Torch.IO;

/// <summary>
/// A model as llama.cpp's <c>convert_hf_to_gguf.py</c> writes it: <c>general.architecture</c> and the hyperparameter
/// keys of its LlamaModel / Qwen2Model / Qwen3Model, tensors under llama.cpp's names (a llama's q/k rows back in
/// Meta's pair order), norms and biases in F32 and every other weight in the file type (Q8_0 rows that are not
/// whole blocks fall back to F16, as the converter does). The inverse of <see cref="GgufTensors.ToHuggingFace"/>.
/// </summary>
public static class GgufModelWriter
{
    /// <summary>The <c>general.architecture</c> llama.cpp's converter gives a family (Mistral is converted as llama).</summary>
    public static string Architecture(ModelConfig config) => config.Family.ModelType switch
    {
        "llama" or "mistral" => "llama",
        "qwen2" => "qwen2",
        "qwen3" => "qwen3",
        var other => throw new GgufExportException("config.json", $"model_type '{other}' has no GGUF export (supported: llama, mistral, qwen2, qwen3)"),
    };

    /// <summary>Checks everything about the model that GGUF cannot carry, before anything is written.</summary>
    public static void Check(ModelConfig config, string path)
    {
        var arch = Architecture(config);
        var scaling = config.RopeScaling?.Kind ?? "default";
        bool ok = scaling == "default" || (arch == "llama" && scaling is "linear" or "llama3") || (arch != "llama" && scaling == "yarn");
        if (!ok)
            throw new GgufExportException(path, $"rope_scaling '{scaling}' has no {arch} GGUF equivalent that this exporter writes (llama: linear, llama3; qwen2/qwen3: yarn)");
        if (config.HiddenAct is { } act && act != "silu")
            throw new GgufExportException(path, $"hidden_act '{act}' is not what llama.cpp's {arch} runs (silu)");
    }

    /// <summary><c>general.*</c> and the architecture's hyperparameters, in the converter's order.</summary>
    public static GgufMetadata Metadata(ModelConfig config, string name, GgufType fileType)
    {
        var arch = Architecture(config);
        var m = new GgufMetadata()
            .String("general.architecture", arch)
            .String("general.type", "model")
            .String("general.name", name)
            .UInt32($"{arch}.block_count", (uint)config.NumHiddenLayers)
            .UInt32($"{arch}.context_length", (uint)config.MaxPositionEmbeddings)
            .UInt32($"{arch}.embedding_length", (uint)config.HiddenSize)
            .UInt32($"{arch}.feed_forward_length", (uint)config.IntermediateSize)
            .UInt32($"{arch}.attention.head_count", (uint)config.NumAttentionHeads)
            .UInt32($"{arch}.attention.head_count_kv", (uint)config.KeyValueHeads)
            .Float32($"{arch}.rope.freq_base", (float)config.RopeTheta)
            .Float32($"{arch}.attention.layer_norm_rms_epsilon", (float)config.RmsNormEps);
        if (config.HeadDimension is { } headDim)
            m.UInt32($"{arch}.attention.key_length", (uint)headDim).UInt32($"{arch}.attention.value_length", (uint)headDim);
        m.UInt32("general.file_type", FileType(fileType));
        if (arch == "llama")
        {
            m.UInt32("llama.vocab_size", (uint)config.VocabSize);
            m.UInt32("llama.rope.dimension_count", (uint)config.HeadDim);
        }
        if (config.RopeScaling is { Kind: "linear", Factor: { } linear })
            m.String($"{arch}.rope.scaling.type", "linear").Float32($"{arch}.rope.scaling.factor", (float)linear);
        if (config.RopeScaling is { Kind: "yarn", Factor: { } yarn } scaling)
        {
            m.String($"{arch}.rope.scaling.type", "yarn").Float32($"{arch}.rope.scaling.factor", (float)yarn);
            if (scaling.OriginalMaxPositionEmbeddings is { } original)
                m.UInt32($"{arch}.rope.scaling.original_context_length", (uint)original);
        }
        m.UInt32("general.quantization_version", 2);
        return m;
    }

    /// <summary>llama.cpp's <c>LlamaFileType</c>: ALL_F32 0, MOSTLY_F16 1, MOSTLY_Q8_0 7, MOSTLY_BF16 32.</summary>
    public static uint FileType(GgufType type) => type switch
    {
        GgufType.F32 => 0,
        GgufType.F16 => 1,
        GgufType.Q8_0 => 7,
        GgufType.BF16 => 32,
        _ => throw new ArgumentException($"GGUF file type {type} is not written"),
    };

    /// <summary>
    /// The tensors of <paramref name="state"/> (Hugging Face names, any float dtype, a tied head listed once) as GGUF
    /// entries; each is converted when the writer reaches it, so one tensor at a time is in memory twice.
    /// </summary>
    public static List<GgufTensorEntry> Tensors(IReadOnlyDictionary<string, Tensor> state, ModelConfig config, GgufType fileType)
    {
        var entries = new List<GgufTensorEntry>();
        if (RopeFactors(config) is { } factors)
            entries.Add(new GgufTensorEntry("rope_freqs.weight", [factors.Length], GgufType.F32, stream =>
            {
                foreach (var f in factors) stream.Write(BitConverter.GetBytes(f));
            }));
        foreach (var (hfName, tensor) in Ordered(state))
        {
            var name = GgufName(hfName, config);
            var shape = tensor.shape;
            var type = shape.Length <= 1 || !name.EndsWith(".weight", StringComparison.Ordinal) ? GgufType.F32
                : fileType == GgufType.Q8_0 && shape[^1] % GgufQ8.BlockSize != 0 ? GgufType.F16
                : fileType;
            entries.Add(new GgufTensorEntry(name, shape, type, stream => WriteData(stream, tensor, hfName, config, type)));
        }
        return entries;
    }

    /// <summary>
    /// A llama3-scaled RoPE as the converter's <c>generate_extra_tensors</c> stores it: <c>rope_freqs.weight</c>, one
    /// divisor per frequency (1 for short wavelengths, <c>factor</c> for long ones, the smooth blend between).
    /// </summary>
    public static float[]? RopeFactors(ModelConfig config)
    {
        if (config.RopeScaling is not { Kind: "llama3" } s) return null;
        double factor = s.Factor ?? 8, low = s.LowFreqFactor ?? 1, high = s.HighFreqFactor ?? 4, original = s.OriginalMaxPositionEmbeddings ?? 8192;
        var frequencies = Rope.InverseFrequencies(config with { RopeScaling = null });
        return [.. frequencies.Select(f =>
        {
            double wavelength = 2 * Math.PI / f;
            if (wavelength < original / high) return 1f;
            if (wavelength > original / low) return (float)factor;
            double smooth = (original / wavelength - low) / (high - low);
            return (float)(1 / ((1 - smooth) / factor + smooth));
        })];
    }

    /// <summary>HF name to llama.cpp name (<c>tensor_mapping.py</c>).</summary>
    public static string GgufName(string hfName, ModelConfig config)
    {
        switch (hfName)
        {
            case "model.embed_tokens.weight": return "token_embd.weight";
            case "model.norm.weight": return "output_norm.weight";
            case "lm_head.weight": return "output.weight";
        }
        var parts = hfName.Split('.');
        if (parts.Length >= 5 && parts[0] == "model" && parts[1] == "layers" && int.TryParse(parts[2], out var layer))
        {
            var module = string.Join('.', parts[3..^1]);
            string? part = module switch
            {
                "self_attn.q_proj" => "attn_q",
                "self_attn.k_proj" => "attn_k",
                "self_attn.v_proj" => "attn_v",
                "self_attn.o_proj" => "attn_output",
                "self_attn.q_norm" => "attn_q_norm",
                "self_attn.k_norm" => "attn_k_norm",
                "mlp.gate_proj" => "ffn_gate",
                "mlp.up_proj" => "ffn_up",
                "mlp.down_proj" => "ffn_down",
                "input_layernorm" => "attn_norm",
                "post_attention_layernorm" => "ffn_norm",
                _ => null,
            };
            if (part is not null) return $"blk.{layer}.{part}.{parts[^1]}";
        }
        throw new GgufExportException("model.safetensors", $"tensor '{hfName}' has no llama.cpp {Architecture(config)} name");
    }

    /// <summary>The converter's order: embedding, then each block's tensors, then the final norm and head.</summary>
    private static IEnumerable<KeyValuePair<string, Tensor>> Ordered(IReadOnlyDictionary<string, Tensor> state) =>
        state.OrderBy(kv => kv.Key switch
        {
            "model.embed_tokens.weight" => (0, 0, kv.Key),
            "model.norm.weight" => (2, 0, kv.Key),
            "lm_head.weight" => (3, 0, kv.Key),
            _ => (1, int.TryParse(kv.Key.Split('.') is { Length: > 2 } p ? p[2] : "", out var n) ? n : 0, kv.Key),
        });

    private static void WriteData(Stream stream, Tensor tensor, string hfName, ModelConfig config, GgufType type)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var t = tensor.detach().to(ScalarType.Float32, CPU);
        if (config.Family.PermutesGgufQueryKey && hfName.Contains(".self_attn.q_proj.", StringComparison.Ordinal))
            t = HalvesToPairs(t, config.NumAttentionHeads);
        else if (config.Family.PermutesGgufQueryKey && hfName.Contains(".self_attn.k_proj.", StringComparison.Ordinal))
            t = HalvesToPairs(t, config.KeyValueHeads);
        switch (type)
        {
            case GgufType.F32: TensorBytes.Write(stream, t.contiguous()); break;
            case GgufType.F16: TensorBytes.Write(stream, t.to(ScalarType.Float16).contiguous()); break;
            case GgufType.BF16: TensorBytes.Write(stream, t.to(ScalarType.BFloat16).contiguous()); break;
            case GgufType.Q8_0:
                var values = t.contiguous().data<float>().ToArray();
                var blocks = new byte[values.Length / GgufQ8.BlockSize * GgufQ8.BlockBytes];
                GgufQ8.Quantize(values, blocks);
                stream.Write(blocks);
                break;
            default: throw new ArgumentException($"GGUF type {type} is not written");
        }
    }

    /// <summary>
    /// The converter's <c>LlamaModel.permute</c>: <c>w.reshape(n_head, 2, rows / n_head / 2, *rest).swapaxes(1, 2).reshape(w.shape)</c>,
    /// HF's <c>rotate_half</c> halves back to Meta's interleaved pairs (a bias has no rest).
    /// </summary>
    public static Tensor HalvesToPairs(Tensor w, int heads)
    {
        long rows = w.shape[0];
        long columns = w.dim() == 2 ? w.shape[1] : 1;
        return w.reshape(heads, 2, rows / heads / 2, columns).transpose(1, 2).reshape(w.shape).contiguous();
    }
}
