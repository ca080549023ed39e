using System.Globalization;
using System.Text.RegularExpressions;
using Finetune.Text.Gguf;
using Finetune.Torch.Models;
using Microsoft.Win32.SafeHandles;
using TorchSharp;
using static TorchSharp.torch;

namespace Finetune.Torch.IO;

/// <summary>
/// The tensors of a llama, qwen2 or qwen3 GGUF file (F32, F16, BF16, Q8_0 dequantized to F32), translated to Hugging Face names and layout by
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
        foreach (var info in gguf.Tensors.Where(t => t.Name != RopeFreqs))
        {
            if (info.Type is not (GgufType.F32 or GgufType.F16 or GgufType.BF16 or GgufType.Q8_0) || info.ByteLength is null)
                throw new CheckpointException(path, $"tensor '{info.Name}' has type {info.Type}, which is not supported (F32, F16, BF16 and Q8_0 GGUF tensors load; other quantized models must be dequantized first)");
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
        using var raw = info.Type == GgufType.Q8_0 ? Dequantize(info) : empty(info.TorchShape, TorchType(info.Type));
        if (info.Type != GgufType.Q8_0) TensorBytes.Read(_handle, info.Offset, raw, Path, info.Name);
        return ToHuggingFace(info.Name, raw, Config, Path).Tensor;
    }

    /// <summary>A Q8_0 tensor as float32 (<see cref="GgufQ8.Dequantize"/>, as llama.cpp computes with it).</summary>
    private Tensor Dequantize(GgufTensorInfo info)
    {
        var blocks = new byte[info.ByteLength!.Value];
        for (int done = 0, n; done < blocks.Length; done += n)
            if ((n = RandomAccess.Read(_handle, blocks.AsSpan(done), info.Offset + done)) <= 0)
                throw new CheckpointException(Path, $"tensor '{info.Name}': file ends before its {blocks.Length} bytes of data");
        var values = new float[info.ElementCount];
        GgufQ8.Dequantize(blocks, values);
        return tensor(values).reshape(info.TorchShape);
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
    /// The whole difference between llama.cpp's GGUF layout and Hugging Face's, for one tensor: the name
    /// (llama.cpp's <c>tensor_mapping.py</c> rows), and for a llama GGUF's <c>attn_q</c>/<c>attn_k</c> the row
    /// order (its converter stores Meta's interleaved RoPE pairs (2i, 2i+1); HF's <c>rotate_half</c> pairs i with
    /// i + head_dim/2). Qwen2/Qwen3 tensors are stored unpermuted. Returns a new tensor the caller owns (an
    /// alias of <paramref name="tensor"/> when only the name changes).
    /// </summary>
    public static (string Name, Tensor Tensor) ToHuggingFace(string ggufName, Tensor tensor, ModelConfig config, string path)
    {
        switch (ggufName)
        {
            case "token_embd.weight": return ("model.embed_tokens.weight", tensor.alias());
            case "output_norm.weight": return ("model.norm.weight", tensor.alias());
            case "output.weight": return ("lm_head.weight", tensor.alias());
        }
        var family = config.Family;
        var match = BlockTensor().Match(ggufName);
        string? hfPart = !match.Success ? null : match.Groups[2].Value switch
        {
            "attn_q" => "self_attn.q_proj",
            "attn_k" => "self_attn.k_proj",
            "attn_v" => "self_attn.v_proj",
            "attn_output" => "self_attn.o_proj",
            "attn_q_norm" when family.QueryKeyNorm => "self_attn.q_norm",
            "attn_k_norm" when family.QueryKeyNorm => "self_attn.k_norm",
            "ffn_gate" => "mlp.gate_proj",
            "ffn_up" => "mlp.up_proj",
            "ffn_down" => "mlp.down_proj",
            "attn_norm" => "input_layernorm",
            "ffn_norm" => "post_attention_layernorm",
            _ => null,
        };
        if (hfPart is null) throw new CheckpointException(path, $"tensor '{ggufName}' is not part of a {family.ModelType} model");
        string layer = match.Groups[1].Value, part = match.Groups[2].Value, suffix = match.Groups[3].Value;
        string name = $"model.layers.{layer}.{hfPart}.{suffix}";
        if (!family.PermutesGgufQueryKey) return (name, tensor.alias());
        return part switch
        {
            "attn_q" => (name, PairsToHalves(tensor, config.NumAttentionHeads, config.HeadDim)),
            "attn_k" => (name, PairsToHalves(tensor, config.KeyValueHeads, config.HeadDim)),
            _ => (name, tensor.alias()),
        };
    }

    /// <summary><c>w.view(n_head, head_dim/2, 2, in).transpose(1, 2).reshape(w.shape)</c> (a bias has in = 1).</summary>
    private static Tensor PairsToHalves(Tensor w, int heads, int headDim)
    {
        long columns = w.dim() == 2 ? w.shape[1] : 1;
        using var view = w.view(heads, headDim / 2, 2, columns);
        using var swapped = view.transpose(1, 2);
        return swapped.reshape(w.shape).contiguous();
    }

    /// <summary>
    /// A <see cref="ModelConfig"/> from GGUF metadata of a <c>llama</c>, <c>qwen2</c> or <c>qwen3</c> model, keys as
    /// llama.cpp's <c>convert_hf_to_gguf.py</c> writes them (<c>{arch}.embedding_length</c>, ...); llama.cpp's
    /// defaults where keys are absent. Biases are on when the file holds them.
    /// </summary>
    public static ModelConfig ConfigFrom(GgufFile gguf)
    {
        string path = gguf.FilePath, arch = gguf.Architecture;
        var family = ModelFamily.FromModelType(arch) is { } f && f != ModelFamily.Mistral
            ? f
            : throw new CheckpointException(path, $"general.architecture is '{arch}'; supported: llama, qwen2, qwen3");
        int Required(string key) => (int)(gguf.GetInteger($"{arch}.{key}") ?? throw new CheckpointException(path, $"metadata key '{arch}.{key}' is missing"));
        int heads = Required("attention.head_count");
        int hidden = Required("embedding_length");
        var tokens = gguf.GetArray<string[]>("tokenizer.ggml.tokens");
        var embedding = gguf.FindTensor("token_embd.weight") ?? throw new CheckpointException(path, "tensor 'token_embd.weight' is missing");
        int maxPositions = (int)(gguf.GetInteger($"{arch}.context_length") ?? 2048);
        string? scalingType = gguf.GetString($"{arch}.rope.scaling.type");
        double? scalingFactor = gguf.GetNumber($"{arch}.rope.scaling.factor");
        RopeScaling? scaling = scalingType switch
        {
            null or "none" => null,
            "linear" => new RopeScaling { RopeType = "linear", Factor = scalingFactor },
            "yarn" => new RopeScaling
            {
                RopeType = "yarn",
                Factor = scalingFactor,
                OriginalMaxPositionEmbeddings = (int?)gguf.GetInteger($"{arch}.rope.scaling.original_context_length"),
            },
            _ => throw new CheckpointException(path, $"{arch}.rope.scaling.type '{scalingType}' is not supported (none, linear, yarn)"),
        };
        var config = new ModelConfig
        {
            RopeScaling = scaling,
            Architectures = [family.Architecture],
            ModelType = family.ModelType,
            VocabSize = (int)(gguf.GetInteger($"{arch}.vocab_size") ?? tokens?.Length ?? embedding.TorchShape[0]),
            HiddenSize = hidden,
            IntermediateSize = Required("feed_forward_length"),
            NumHiddenLayers = Required("block_count"),
            NumAttentionHeads = heads,
            NumKeyValueHeads = (int)(gguf.GetInteger($"{arch}.attention.head_count_kv") ?? heads),
            HeadDimension = (int?)gguf.GetInteger($"{arch}.attention.key_length") ?? (family == ModelFamily.Qwen2 ? null : hidden / heads),
            MaxPositionEmbeddings = maxPositions,
            RmsNormEps = Decimal(gguf.GetNumber($"{arch}.attention.layer_norm_rms_epsilon")) ?? 1e-5,
            RopeTheta = Decimal(gguf.GetNumber($"{arch}.rope.freq_base")) ?? 10000.0,
            AttentionBias = family.ReadsAttentionBias && gguf.FindTensor("blk.0.attn_q.bias") is not null,
            MlpBias = family.ReadsMlpBias && gguf.FindTensor("blk.0.ffn_gate.bias") is not null,
            TieWordEmbeddings = gguf.FindTensor("output.weight") is null,
            BosTokenId = (int?)gguf.GetInteger("tokenizer.ggml.bos_token_id"),
            EosTokenId = gguf.GetInteger("tokenizer.ggml.eos_token_id") is long eos ? (int)eos : null,
            TorchDtype = embedding.Type switch { GgufType.F16 => "float16", GgufType.BF16 => "bfloat16", _ => "float32" }, // Q8_0 computes in float32
        };
        if (gguf.FindTensor(RopeFreqs) is { } freqs)
            config = config with { RopeScaling = Llama3Scaling(gguf, freqs, config) };
        config.Validate(path);
        return config;
    }

    private const string RopeFreqs = "rope_freqs.weight";

    /// <summary>
    /// The Llama 3 <c>rope_scaling</c> behind llama.cpp's <c>rope_freqs.weight</c> (one divisor per frequency, which its
    /// converter computes from the HF config): factor is the largest divisor; low/high frequency factors Meta's 1 and 4;
    /// the original context from a divisor in the blended band (8192 when none is). The result must reproduce every
    /// stored divisor, or the file is refused.
    /// </summary>
    private static RopeScaling Llama3Scaling(GgufFile gguf, GgufTensorInfo info, ModelConfig config)
    {
        string path = gguf.FilePath;
        if (info.Type != GgufType.F32 || info.ElementCount != config.HeadDim / 2 || config.RopeScaling is not null)
            throw new CheckpointException(path, $"tensor '{RopeFreqs}' is not {config.HeadDim / 2} F32 RoPE divisors of an otherwise unscaled model");
        var bytes = new byte[info.ElementCount * 4];
        using (var stream = File.OpenRead(path))
        {
            stream.Position = info.Offset;
            stream.ReadExactly(bytes);
        }
        var stored = new float[info.ElementCount];
        Buffer.BlockCopy(bytes, 0, stored, 0, bytes.Length);
        float factor = stored.Max();
        var frequencies = Rope.InverseFrequencies(config);
        int original = 8192;
        for (int i = 0; i < stored.Length; i++)
        {
            if (stored[i] <= 1.000001f || stored[i] >= factor * 0.999999f) continue;
            double smooth = (1 / stored[i] - 1 / factor) / (1 - 1 / factor);
            original = (int)Math.Round(2 * Math.PI / frequencies[i] * (smooth * 3 + 1));
            break;
        }
        var scaling = new RopeScaling { RopeType = "llama3", Factor = factor, LowFreqFactor = 1, HighFreqFactor = 4, OriginalMaxPositionEmbeddings = original };
        var expected = GgufModelWriter.RopeFactors(config with { RopeScaling = scaling })!;
        if (expected.Where((e, i) => Math.Abs(e - stored[i]) > 1e-4 * stored[i]).Any())
            throw new CheckpointException(path, $"tensor '{RopeFreqs}' does not follow Llama 3's RoPE scaling (factor {factor}, low/high frequency factors 1 and 4); load the Hugging Face folder instead");
        return scaling;
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
        GgufType.F32 or GgufType.Q8_0 => ScalarType.Float32,
        GgufType.F16 => ScalarType.Float16,
        _ => ScalarType.BFloat16,
    };

    private (GgufTensorInfo Info, long[] Shape) Get(string name) => _tensors.TryGetValue(name, out var t)
        ? t
        : throw new CheckpointException(Path, $"no tensor '{name}'");

    [GeneratedRegex(@"^blk\.(\d+)\.([a-z_]+)\.(weight|bias)$")]
    private static partial Regex BlockTensor();
}
