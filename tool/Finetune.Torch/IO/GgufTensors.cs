using System.Globalization;
using System.Text.RegularExpressions;
using Finetune.Text.Gguf;
using Finetune.Torch.Models;
using Microsoft.Win32.SafeHandles;
using TorchSharp;
using static TorchSharp.torch;

namespace Finetune.Torch.IO;

/// <summary>
/// The tensors of a llama GGUF file (F32, F16, BF16), translated to Hugging Face names and layout by
/// <see cref="ToHuggingFace"/> as they are read (one tensor in memory at a time), with the
/// <see cref="ModelConfig"/> its metadata describes.
/// </summary>
public sealed partial class GgufTensors : ITensorSource
{
    private static readonly Device Meta = torch.device("meta");
    private readonly SafeFileHandle _handle;
    private readonly Dictionary<string, (GgufTensorInfo Info, long[] Shape)> _tensors;

    private GgufTensors(string path, ModelConfig config, SafeFileHandle handle, Dictionary<string, (GgufTensorInfo, long[])> tensors)
    {
        Path = path;
        Config = config;
        _handle = handle;
        _tensors = tensors;
        Names = tensors.Keys.Order(StringComparer.Ordinal).ToArray();
    }

    public string Path { get; }
    public ModelConfig Config { get; }
    public IReadOnlyList<string> Names { get; }

    /// <summary>Reads the header and maps every tensor to its Hugging Face name and shape; data is read on demand.</summary>
    public static GgufTensors Open(string path)
    {
        GgufFile gguf;
        try
        {
            gguf = GgufFile.Read(path);
        }
        catch (GgufException e)
        {
            throw new CheckpointException(path, e.Message[(e.FilePath.Length + 2)..], e);
        }
        var config = ConfigFrom(gguf);
        var tensors = new Dictionary<string, (GgufTensorInfo, long[])>(StringComparer.Ordinal);
        foreach (var info in gguf.Tensors)
        {
            if (info.Type is not (GgufType.F32 or GgufType.F16 or GgufType.BF16))
                throw new CheckpointException(path, $"tensor '{info.Name}' has type {info.Type}, which is not supported (only F32, F16 and BF16 GGUF tensors load; quantized models must be dequantized first)");
            // The translation run on a shape-only (meta) tensor gives the name and shape without reading data.
            using var shapeOnly = empty(info.TorchShape, TorchType(info.Type), Meta);
            var (name, translated) = ToHuggingFace(info.Name, shapeOnly, config, path);
            using (translated) tensors.Add(name, (info, translated.shape));
        }
        return new GgufTensors(path, config, File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read), tensors);
    }

    public bool Contains(string name) => _tensors.ContainsKey(name);

    public long[] ShapeOf(string name) => Get(name).Shape.ToArray();

    public ScalarType? DTypeOf(string name) => TorchType(Get(name).Info.Type);

    public Tensor Read(string name)
    {
        var info = Get(name).Info;
        using var raw = empty(info.TorchShape, TorchType(info.Type));
        TensorBytes.Read(_handle, info.Offset, raw, Path, info.Name);
        return ToHuggingFace(info.Name, raw, Config, Path).Tensor;
    }

    public void CopyTo(string name, Tensor destination)
    {
        var shape = Get(name).Shape;
        if (!shape.SequenceEqual(destination.shape))
            throw new CheckpointException(Path, $"tensor '{name}' has shape [{string.Join(", ", shape)}], expected [{string.Join(", ", destination.shape)}]");
        using var _ = no_grad();
        using var source = Read(name);
        destination.copy_(source);
    }

    public void Dispose() => _handle.Dispose();

    /// <summary>
    /// The whole difference between llama.cpp's GGUF llama layout and Hugging Face's, for one tensor:
    /// the name, and for <c>attn_q</c>/<c>attn_k</c> the row order (GGUF keeps Meta's interleaved RoPE
    /// pairs (2i, 2i+1); HF's <c>rotate_half</c> pairs i with i + head_dim/2). Returns a new tensor the
    /// caller owns (an alias of <paramref name="tensor"/> when only the name changes).
    /// </summary>
    public static (string Name, Tensor Tensor) ToHuggingFace(string ggufName, Tensor tensor, ModelConfig config, string path)
    {
        switch (ggufName)
        {
            case "token_embd.weight": return ("model.embed_tokens.weight", tensor.alias());
            case "output_norm.weight": return ("model.norm.weight", tensor.alias());
            case "output.weight": return ("lm_head.weight", tensor.alias());
            case "rope_freqs.weight":
                throw new CheckpointException(path, "tensor 'rope_freqs.weight' (RoPE frequency factors baked in by llama.cpp) is not supported; load the Hugging Face folder instead");
        }
        var match = BlockTensor().Match(ggufName);
        if (!match.Success) throw new CheckpointException(path, $"tensor '{ggufName}' is not part of a llama model");
        string layer = match.Groups[1].Value, part = match.Groups[2].Value, suffix = match.Groups[3].Value;
        string hfPart = part switch
        {
            "attn_q" => "self_attn.q_proj",
            "attn_k" => "self_attn.k_proj",
            "attn_v" => "self_attn.v_proj",
            "attn_output" => "self_attn.o_proj",
            "ffn_gate" => "mlp.gate_proj",
            "ffn_up" => "mlp.up_proj",
            "ffn_down" => "mlp.down_proj",
            "attn_norm" => "input_layernorm",
            "ffn_norm" => "post_attention_layernorm",
            _ => throw new CheckpointException(path, $"tensor '{ggufName}' is not part of a llama model"),
        };
        string name = $"model.layers.{layer}.{hfPart}.{suffix}";
        return part switch
        {
            "attn_q" => (name, PairsToHalves(tensor, config.NumAttentionHeads, config.HeadDim)),
            "attn_k" => (name, PairsToHalves(tensor, config.KeyValueHeads, config.HeadDim)),
            _ => (name, tensor.alias()),
        };
    }

    /// <summary><c>w.view(n_head, head_dim/2, 2, in).transpose(1, 2).reshape(out, in)</c>.</summary>
    private static Tensor PairsToHalves(Tensor w, int heads, int headDim)
    {
        long rows = w.shape[0], columns = w.shape[1];
        using var view = w.view(heads, headDim / 2, 2, columns);
        using var swapped = view.transpose(1, 2);
        return swapped.reshape(rows, columns).contiguous();
    }

    /// <summary>A <see cref="ModelConfig"/> from GGUF llama metadata (llama.cpp's defaults where keys are absent).</summary>
    public static ModelConfig ConfigFrom(GgufFile gguf)
    {
        string path = gguf.FilePath;
        if (gguf.Architecture != "llama")
            throw new CheckpointException(path, $"general.architecture is '{gguf.Architecture}', only 'llama' is supported");
        int Required(string key) => (int)(gguf.GetInteger(key) ?? throw new CheckpointException(path, $"metadata key '{key}' is missing"));
        int heads = Required("llama.attention.head_count");
        int hidden = Required("llama.embedding_length");
        var tokens = gguf.GetArray<string[]>("tokenizer.ggml.tokens");
        var embedding = gguf.FindTensor("token_embd.weight") ?? throw new CheckpointException(path, "tensor 'token_embd.weight' is missing");
        string? scalingType = gguf.GetString("llama.rope.scaling.type");
        RopeScaling? scaling = scalingType switch
        {
            null or "none" => null,
            "linear" => new RopeScaling { RopeType = "linear", Factor = gguf.GetNumber("llama.rope.scaling.factor") },
            _ => throw new CheckpointException(path, $"llama.rope.scaling.type '{scalingType}' is not supported (none, linear)"),
        };
        var config = new ModelConfig
        {
            Architectures = ["CausalLM"],
            VocabSize = (int)(gguf.GetInteger("llama.vocab_size") ?? tokens?.Length ?? embedding.TorchShape[0]),
            HiddenSize = hidden,
            IntermediateSize = Required("llama.feed_forward_length"),
            NumHiddenLayers = Required("llama.block_count"),
            NumAttentionHeads = heads,
            NumKeyValueHeads = (int)(gguf.GetInteger("llama.attention.head_count_kv") ?? heads),
            HeadDimension = (int)(gguf.GetInteger("llama.attention.key_length") ?? hidden / heads),
            MaxPositionEmbeddings = (int)(gguf.GetInteger("llama.context_length") ?? 2048),
            RmsNormEps = Decimal(gguf.GetNumber("llama.attention.layer_norm_rms_epsilon")) ?? 1e-5,
            RopeTheta = Decimal(gguf.GetNumber("llama.rope.freq_base")) ?? 10000.0,
            RopeScaling = scaling,
            TieWordEmbeddings = gguf.FindTensor("output.weight") is null,
            BosTokenId = (int?)gguf.GetInteger("tokenizer.ggml.bos_token_id"),
            EosTokenId = gguf.GetInteger("tokenizer.ggml.eos_token_id") is long eos ? (int)eos : null,
            TorchDtype = embedding.Type switch { GgufType.F16 => "float16", GgufType.BF16 => "bfloat16", _ => "float32" },
        };
        config.Validate(path);
        return config;
    }

    /// <summary>
    /// A float32 metadata value as the decimal it was written from (1e-5 is stored as 9.99999974e-06): the
    /// shortest float32 text, so config.json says 1e-05 as the original model's did.
    /// </summary>
    private static double? Decimal(double? value) => value is { } v && (double)(float)v == v
        ? double.Parse(((float)v).ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)
        : value;

    private static ScalarType TorchType(GgufType type) => type switch
    {
        GgufType.F32 => ScalarType.Float32,
        GgufType.F16 => ScalarType.Float16,
        _ => ScalarType.BFloat16,
    };

    private (GgufTensorInfo Info, long[] Shape) Get(string name) => _tensors.TryGetValue(name, out var t)
        ? t
        : throw new CheckpointException(Path, $"no tensor '{name}'");

    [GeneratedRegex(@"^blk\.(\d+)\.([a-z_]+)\.(weight|bias)$")]
    private static partial Regex BlockTensor();
}
