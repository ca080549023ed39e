using System.Text.Json.Nodes;
using Finetune.Recipes;
using Finetune.Text.Gguf;
using Finetune.Text.Tokenizers;
using Finetune.Torch.IO;
using Finetune.Torch.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Finetune.Pipeline.Export;

/// <summary>
/// <c>export.gguf</c> (<paramref name="type"/>; the file is named after <paramref name="name"/>, the recipe's): one .gguf file beside the Hugging Face files, as llama.cpp's converter would make it from that
/// folder (<see cref="GgufModelWriter"/> for the weights and hyperparameters, <see cref="GgufVocabulary"/> for the
/// tokenizer and chat template), written from the trained weights. <see cref="Check"/> refuses what GGUF cannot
/// carry before the export writes anything; after writing, the file is read back with our own GGUF loader: the
/// tokenizer must give the Hugging Face tokenizer's ids and the model the trained model's logits (weights rounded
/// to the file's types) on the probe prompt.
/// </summary>
public sealed class GgufExport(GgufTensorType type, string name, string recipePath)
{
    /// <summary>Largest |logit difference| accepted between the trained model (rounded as stored) and the reloaded file.</summary>
    public const double ParityTolerance = 1e-4;

    public GgufType Type { get; } = type switch
    {
        GgufTensorType.F32 => GgufType.F32,
        GgufTensorType.F16 => GgufType.F16,
        GgufTensorType.Bf16 => GgufType.BF16,
        _ => GgufType.Q8_0,
    };

    /// <summary>The converter's naming: <c>NAME-F32.gguf</c>, <c>NAME-Q8_0.gguf</c>.</summary>
    public string FileName => $"{(name.Length > 0 ? name : "model")}-{Type.ToString().ToUpperInvariant()}.gguf";

    /// <summary>Refuses an architecture, RoPE scaling or vocabulary llama.cpp cannot represent (a dry run of the tokenizer metadata).</summary>
    public void Check(ModelConfig config, string tokenizerFolder)
    {
        GgufModelWriter.Check(config, recipePath);
        GgufVocabulary.AddTo(new GgufMetadata(), tokenizerFolder, config.VocabSize);
    }

    /// <summary>Writes the .gguf into the exported Hugging Face <paramref name="folder"/> and checks it; returns the parity record.</summary>
    public JsonObject Write(CausalLM trained, string folder, HfTokenizer tokenizer, (string Text, IReadOnlyList<int> Ids) probe)
    {
        var path = Path.Combine(folder, FileName);
        var metadata = GgufModelWriter.Metadata(trained.Config, name, Type);
        GgufVocabulary.AddTo(metadata, folder, trained.Config.VocabSize);
        var state = trained.StateNames().ToDictionary(kv => kv.Key, kv => (Tensor)kv.Value, StringComparer.Ordinal);
        GgufWriter.Write(path, metadata, GgufModelWriter.Tensors(state, trained.Config, Type));
        return CheckParity(trained, path, tokenizer, probe.Text, probe.Ids);
    }

    private JsonObject CheckParity(CausalLM trained, string path, HfTokenizer tokenizer, string probeText, IReadOnlyList<int> probeIds)
    {
        var ggufTokenizer = HfTokenizer.FromGguf(path);
        var added = string.Concat(tokenizer.AddedTokens.Where(t => !t.Special).Select(t => t.Content));
        foreach (var text in new[] { probeText, added + " " + probeText })
        {
            var expected = tokenizer.Encode(text);
            var actual = ggufTokenizer.Encode(text);
            if (!expected.SequenceEqual(actual))
                throw new PipelineException($"{path}: gguf tokenizer parity failed: the file's tokenizer gives [{string.Join(", ", actual)}], the Hugging Face tokenizer [{string.Join(", ", expected)}]");
        }

        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var reloaded = CausalLM.Load(path, ScalarType.Float32);
        using var rounded = new CausalLM(trained.Config, ScalarType.Float32, initialize: false);
        var target = rounded.StateNames();
        foreach (var (name, p) in trained.StateNames())
            target[name].copy_(Stored(p.detach().to(ScalarType.Float32), GgufModelWriter.GgufName(name, trained.Config)));
        var input = tensor(probeIds.Select(i => (long)i).ToArray()).unsqueeze(0);
        var diff = (rounded.forward(input) - reloaded.forward(input)).abs().max().item<float>();
        if (!(diff <= ParityTolerance))
            throw new PipelineException($"{path}: gguf parity failed: the reloaded file's logits differ from the trained model's by {diff:g3} (tolerance {ParityTolerance:g1})");
        return new JsonObject
        {
            ["file"] = Path.GetFileName(path),
            ["type"] = Type.ToString(),
            ["bytes"] = new FileInfo(path).Length,
            ["max_abs_logit_diff"] = (double)diff,
            ["tolerance"] = ParityTolerance,
        };
    }

    /// <summary>A weight as the file stores it: norms and biases float32, other weights rounded through the file type.</summary>
    private Tensor Stored(Tensor w, string ggufName)
    {
        if (w.dim() <= 1 || !ggufName.EndsWith(".weight", StringComparison.Ordinal)) return w;
        switch (Type)
        {
            case GgufType.F16: return w.to(ScalarType.Float16).to(ScalarType.Float32);
            case GgufType.BF16: return w.to(ScalarType.BFloat16).to(ScalarType.Float32);
            case GgufType.Q8_0 when w.shape[^1] % GgufQ8.BlockSize != 0: return w.to(ScalarType.Float16).to(ScalarType.Float32);
            case GgufType.Q8_0:
                var values = w.contiguous().data<float>().ToArray();
                var blocks = new byte[values.Length / GgufQ8.BlockSize * GgufQ8.BlockBytes];
                GgufQ8.Quantize(values, blocks);
                GgufQ8.Dequantize(blocks, values);
                return torch.tensor(values).reshape(w.shape);
            default: return w;
        }
    }
}
