using System.Text.Json.Nodes;
using Finetune.Pipeline.Data;
using Finetune.Text.Building;
using Finetune.Torch.Models;
using static TorchSharp.torch;

namespace Finetune.Pipeline.Presets;

/// <summary>
/// Writes a small, deterministic Hugging Face Llama folder that the repository can carry (no model hub is
/// reachable): a byte-level BPE tokenizer trained on the demo reasoning data, Llama 3 special tokens and a
/// Llama-3-style chat template, a config, and weights drawn from a seed (normal(0, 0.02), norms at 1) then
/// pretrained on chat-formatted demo conversations (<see cref="TinyPretraining"/>), so the model has learned
/// the chat format as the original job's instruct model has.
/// </summary>
public static class TinyModelFactory
{
    public const string Preset = "tiny";

    /// <summary>BPE tokens before the specials: the demo data's words fit, so sequences stay short.</summary>
    public const int BpeVocabSize = 1024;

    public static ModelConfig Config(int vocabSize, int bosId, int eosId, int? padId) => new()
    {
        VocabSize = vocabSize,
        HiddenSize = 128,
        IntermediateSize = 256,
        NumHiddenLayers = 4,
        NumAttentionHeads = 4,
        NumKeyValueHeads = 2,
        HeadDimension = 32,
        MaxPositionEmbeddings = 512,
        RmsNormEps = 1e-5,
        RopeTheta = 10000,
        TieWordEmbeddings = true,
        BosTokenId = bosId,
        EosTokenId = eosId,
        PadTokenId = padId,
        TorchDtype = "float32",
    };

    /// <param name="texts">what the tokenizer learns from (the demo data's columns)</param>
    /// <param name="chatTemplate">the template written into tokenizer_config.json</param>
    /// <param name="pretrainSteps">stop pretraining after this many steps (null: the whole corpus, what the committed model is)</param>
    /// <param name="report">progress lines</param>
    public static void Create(string folder, int seed, IEnumerable<string> texts, string chatTemplate, int? pretrainSteps = null, Action<string>? report = null,
        CancellationToken cancellation = default)
    {
        Directory.CreateDirectory(folder);
        var bpe = ByteLevelBpeTrainer.Train(texts, BpeVocabSize);
        var written = TokenizerFiles.WriteLlama3Style(folder, bpe, new Llama3TokenizerOptions
        {
            ChatTemplate = chatTemplate,
            ModelMaxLength = 512,
        });
        var config = Config(written.VocabSize, written.BosTokenId, written.EosTokenId, written.PadTokenId);
        using (var model = new CausalLM(config, ScalarType.Float32, initialize: false))
        {
            Initialise(model, seed);
            TinyPretraining.Run(model, folder, seed, pretrainSteps, report ?? (_ => { }), cancellation);
            model.SaveHuggingFace(folder);
        }
        var generation = new JsonObject
        {
            ["bos_token_id"] = written.BosTokenId,
            ["eos_token_id"] = written.EosTokenId,
            ["pad_token_id"] = written.PadTokenId,
            ["do_sample"] = false,
        };
        File.WriteAllText(Path.Combine(folder, "generation_config.json"), generation.ToJsonString(new() { WriteIndented = true }) + "\n");
    }

    /// <summary>The demo data's texts (the shipped 2,000 rows, regenerated in memory), as the tokenizer's corpus.</summary>
    public static IEnumerable<string> DemoTexts() =>
        DemoDataGenerator.Generate(2000, 7).SelectMany(e => new[] { e.Instruction, e.Reasoning, e.Output });

    /// <summary>recipes/tiny/chat_template.jinja, embedded in the assembly.</summary>
    public static string ChatTemplate()
    {
        using var stream = typeof(TinyModelFactory).Assembly.GetManifestResourceStream("tiny/chat_template.jinja")
            ?? throw new InvalidOperationException("the tiny chat template is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>transformers' Llama init: normal(0, 0.02) for matrices, ones for norms; parameters in name order.</summary>
    private static void Initialise(CausalLM model, int seed)
    {
        var generator = new Generator((ulong)seed);
        using var _ = no_grad();
        foreach (var (name, p) in model.StateNames().OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (name.EndsWith("norm.weight", StringComparison.Ordinal)) p.fill_(1.0);
            else p.copy_(normal(0.0, 0.02, p.shape, ScalarType.Float32, generator: generator));
        }
    }
}
