using Finetune.Torch.IO;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Finetune.Torch.Models;

/// <summary>
/// A decoder-only language model of any supported family (<see cref="ModelFamily"/>): <c>model</c> plus the head. A tied head is <c>linear(h, embed_tokens.weight)</c>
/// (one parameter, updated once per step); an untied one is <c>lm_head</c>. Field names are the Hugging
/// Face tensor names, so loading is a strict state-dict load.
/// </summary>
public sealed class CausalLM : nn.Module<Tensor, Tensor>
{
    public DecoderModel model;
    public Linear? lm_head;

    /// <param name="initialize">false leaves the weights uninitialised (fast), for a model about to be loaded</param>
    public CausalLM(ModelConfig config, ScalarType dtype = ScalarType.Float32, Device? device = null, bool initialize = true) : base(nameof(CausalLM))
    {
        if (dtype is not (ScalarType.Float32 or ScalarType.BFloat16))
            throw new ArgumentException($"model dtype must be float32 or bfloat16, not {dtype}", nameof(dtype));
        Config = config;
        DType = dtype;
        model = new DecoderModel(config, dtype, device, initialize);
        if (!config.TieWordEmbeddings)
            lm_head = Layers.Linear(config.HiddenSize, config.VocabSize, dtype, device, initialize);
        RegisterComponents();
    }

    /// <summary>Replaced (never changed) when the embedding is resized.</summary>
    public ModelConfig Config { get; private set; }
    public ScalarType DType { get; }
    public bool Tied => lm_head is null;

    /// <summary>Logits of rows at or above this id are -inf (padding rows that are never real tokens); null = none.</summary>
    public int? RealVocabSize { get; set; }

    /// <summary>
    /// Replacement values for a block of token rows of the embedding and the head (trainable new rows over
    /// frozen matrices); null = none. Not in the state dict.
    /// </summary>
    public ITokenRows? TokenRows
    {
        get => model.TokenRows;
        set => model.TokenRows = value;
    }

    /// <summary>The output matrix: <c>lm_head.weight</c>, or the embedding itself when tied.</summary>
    public Parameter OutputWeight => lm_head?.weight ?? model.embed_tokens.weight!;

    /// <summary>The head as the model computes it: <see cref="OutputWeight"/>, with <see cref="TokenRows"/>' rows when attached.</summary>
    public Tensor HeadWeight() => TokenRows?.OutputWeight(OutputWeight) ?? OutputWeight;

    public override Tensor forward(Tensor inputIds) => forward(inputIds, null);

    /// <returns>(B, T, vocab) logits in the model dtype</returns>
    public Tensor forward(Tensor inputIds, KvCache? cache, Tensor? attentionMask = null, Tensor? positions = null)
    {
        using var scope = NewDisposeScope();
        var h = model.forward(inputIds, cache, attentionMask, positions);              // (B, T, hidden)
        var logits = nn.functional.linear(h, OutputWeight);                            // (B, T, vocab)
        if (TokenRows is { } rows) logits = rows.Logits(h, logits);
        if (RealVocabSize is int real && real < Config.VocabSize)
        {
            var padding = arange(Config.VocabSize, ScalarType.Int64, logits.device) >= real;
            logits = logits.masked_fill(padding, double.NegativeInfinity);
        }
        return logits.MoveToOuterDisposeScope();
    }

    /// <summary>The model at <paramref name="path"/>: a Hugging Face folder, a .safetensors file with config.json beside it, or a .gguf file.</summary>
    /// <param name="dtype">float32 or bfloat16; null = the stored dtype (float16 loads as float32)</param>
    public static CausalLM Load(string path, ScalarType? dtype = null, Device? device = null)
    {
        using var source = Checkpoint.Open(path);
        var config = source is GgufTensors gguf ? gguf.Config : ModelConfig.Load(ConfigPath(path));
        dtype ??= source.Contains("model.embed_tokens.weight") && source.DTypeOf("model.embed_tokens.weight") == ScalarType.BFloat16
            ? ScalarType.BFloat16
            : ScalarType.Float32;
        var result = new CausalLM(config, dtype.Value, device, initialize: false);
        try
        {
            result.LoadWeights(source);
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Strict load: every parameter must be in <paramref name="source"/> with its exact shape, and the
    /// source may hold nothing else (a tied model ignores a stored <c>lm_head.weight</c>, as transformers does).
    /// </summary>
    public void LoadWeights(ITensorSource source)
    {
        var parameters = StateNames();
        var missing = parameters.Keys.Where(n => !source.Contains(n)).ToList();
        if (missing.Count > 0)
            throw new CheckpointException(source.Path, $"missing tensor '{missing[0]}'{More(missing)}");
        var unexpected = source.Names.Where(n => !parameters.ContainsKey(n) && !(Tied && n == "lm_head.weight") && !n.EndsWith("rotary_emb.inv_freq", StringComparison.Ordinal)).ToList();
        if (unexpected.Count > 0)
            throw new CheckpointException(source.Path, $"unexpected tensor '{unexpected[0]}'{More(unexpected)} for a {Config.Family.Architecture} model");
        foreach (var (name, parameter) in parameters)
        {
            var stored = source.ShapeOf(name);
            if (!stored.SequenceEqual(parameter.shape))
                throw new CheckpointException(source.Path, $"tensor '{name}' has shape [{string.Join(", ", stored)}] but the config gives [{string.Join(", ", parameter.shape)}]");
        }
        foreach (var (name, parameter) in parameters) source.CopyTo(name, parameter);
    }

    /// <summary>Parameters by Hugging Face name, each once (a tied head adds no name).</summary>
    public IReadOnlyDictionary<string, Parameter> StateNames() =>
        named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);

    /// <summary>Writes the weights as transformers does: tied weights once, under <c>model.embed_tokens.weight</c>.</summary>
    public void SaveSafetensors(string path) =>
        SafetensorsWriter.Write(path, StateNames().Select(kv => new KeyValuePair<string, Tensor>(kv.Key, kv.Value)));

    /// <summary>
    /// Writes <c>model.safetensors</c> and <c>config.json</c> (a loaded config: original fields kept, vocab_size and
    /// dtype patched; a config made in code: as transformers writes that family's config).
    /// </summary>
    public void SaveHuggingFace(string folder)
    {
        Directory.CreateDirectory(folder);
        SaveSafetensors(Path.Combine(folder, Checkpoint.SingleFileName));
        Config.WithDtype(DType).Save(Path.Combine(folder, "config.json"));
    }

    /// <summary>
    /// Resizes the embedding (and an untied head) to <paramref name="newRows"/>, keeping the old rows;
    /// added rows are zero until seeded. Updates <c>vocab_size</c>.
    /// </summary>
    public void ResizeTokenEmbeddings(int newRows)
    {
        if (newRows <= 0) throw new ArgumentOutOfRangeException(nameof(newRows));
        using (no_grad())
        {
            model.embed_tokens.weight = Resized(model.embed_tokens.weight!, newRows);
            if (lm_head != null) lm_head.weight = Resized(lm_head.weight!, newRows);
        }
        Config = Config with { VocabSize = newRows };
    }

    private static Parameter Resized(Parameter old, int rows)
    {
        var weight = zeros([rows, old.shape[1]], old.dtype, old.device);
        long keep = Math.Min(rows, old.shape[0]);
        weight.narrow(0, 0, keep).copy_(old.narrow(0, 0, keep));
        return new Parameter(weight, old.requires_grad);
    }

    private static string ConfigPath(string path)
    {
        string folder = Directory.Exists(path) ? path : Path.GetDirectoryName(Path.GetFullPath(path))!;
        string config = Path.Combine(folder, "config.json");
        return File.Exists(config) ? config : throw new CheckpointException(folder, "no config.json beside the weights");
    }

    private static string More(List<string> names) => names.Count > 1 ? $" (and {names.Count - 1} more)" : "";
}
