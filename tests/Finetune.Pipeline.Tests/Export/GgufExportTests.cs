using System.Text.Json.Nodes;
using Finetune.Pipeline.Stages;
using Finetune.Pipeline.Tests.Stages;
using Finetune.Testing;
using Finetune.Text.Gguf;
using Finetune.Text.Tokenizers;
using Finetune.Torch.Models;
using Finetune.Torch.Seeding;
using static TorchSharp.torch;

namespace Finetune.Pipeline.Tests.Export;

public sealed class GgufExportTests
{
    /// <summary>tokenize/resize/seed for real, then export (with <c>export.gguf</c>) over the seeded base as the "trained" model.</summary>
    private static (StageTestKit Kit, string Output) Export(string type, string? modelPath = null) => Export(new StageTestKit(t => t.TrimEnd() + $"\n  gguf: {{ type: {type} }}\n", modelPath), modelPath);

    private static (StageTestKit Kit, string Output) Export(StageTestKit kit, string? modelPath)
    {
        kit.Run(only: "seed");
        var train = Path.Combine(kit.Dir, "train");
        using (var model = CausalLM.Load(modelPath ?? Path.Combine(TestPaths.RepoRoot, "recipes", "models", "tiny-llama")))
        {
            SeedPatch.Apply(model, Path.Combine(kit.Entry("seed"), SeedPatch.FileName));
            model.SaveHuggingFace(Path.Combine(train, TrainStage.ModelFolder));
        }
        var output = Path.Combine(kit.Dir, "export-out");
        Directory.CreateDirectory(output);
        new ExportStage(ExportInput.From(kit.Recipe)).Run(new StageRun
        {
            Stage = "export", Key = "k", OutputDir = output, WorkDir = kit.Dir, Observer = new StageTestKit.NullObserver(),
            UpstreamDirs = new Dictionary<string, string> { ["tokenize"] = kit.Entry("tokenize"), ["resize"] = kit.Entry("resize"), ["train"] = train },
        });
        return (kit, output);
    }

    [Theory]
    [InlineData("f32", "think-answer-tiny-F32.gguf")]
    [InlineData("bf16", "think-answer-tiny-BF16.gguf")]
    [InlineData("q8_0", "think-answer-tiny-Q8_0.gguf")]
    public void Gguf_beside_the_hf_files_reloads_as_a_model_path_with_the_same_ids_and_logits(string type, string name)
    {
        var (_, output) = Export(type);
        var folder = Path.Combine(output, ExportStage.ModelFolder);
        var gguf = Path.Combine(folder, name);
        Assert.True(File.Exists(gguf), string.Join(", ", Directory.GetFiles(folder)));
        var parity = JsonNode.Parse(File.ReadAllText(Path.Combine(output, ExportStage.ParityFile)))!["gguf"]!;
        Assert.Equal(name, (string)parity["file"]!);

        var file = GgufFile.Read(gguf);
        Assert.Equal("think-answer-tiny", file.GetString("general.name"));
        Assert.Equal(693, file.GetInteger("llama.vocab_size"));                       // 689 + 4 new tokens
        Assert.Equal(4L, file.GetArray<long[]>("tokenizer.ggml.token_type")![689]);   // <think>: user-defined (special: false)
        Assert.Equal("<think>", file.GetArray<string[]>("tokenizer.ggml.tokens")![689]);

        // As a recipe's model.path: the loaders a run uses give the HF export's ids and (for f32) its logits.
        var hfTokenizer = HfTokenizer.Load(folder);
        var ggufTokenizer = HfTokenizer.Load(gguf);
        const string text = "<think>Tom has 4 balls.</think><answer>7</answer> \u00e9t\u00e9 \U0001F999";
        Assert.Equal(hfTokenizer.Encode(text, addBos: true), ggufTokenizer.Encode(text, addBos: true));
        Assert.Equal(hfTokenizer.EosIds, ggufTokenizer.EosIds);
        using var hf = CausalLM.Load(folder, ScalarType.Float32);
        using var reloaded = CausalLM.Load(gguf, ScalarType.Float32);
        Assert.True(reloaded.Tied);
        using var ids = tensor(hfTokenizer.Encode(text, addBos: true).Select(i => (long)i).ToArray()).unsqueeze(0);
        using var _ = no_grad();
        var diff = (hf.forward(ids) - reloaded.forward(ids)).abs().max().item<float>();
        Assert.True(diff <= (type == "f32" ? 1e-4 : 0.5), $"{type}: max |logit diff| {diff}");
    }

    [Fact]
    public void A_pre_tokenizer_llama_cpp_has_no_name_for_fails_before_the_export_writes_anything()
    {
        var model = TestPaths.NewTempDir("ft-model");
        var tiny = Path.Combine(TestPaths.RepoRoot, "recipes", "models", "tiny-llama");
        foreach (var f in Directory.GetFiles(tiny)) File.Copy(f, Path.Combine(model, Path.GetFileName(f)));
        var tokenizer = Path.Combine(model, "tokenizer.json");
        File.WriteAllText(tokenizer, File.ReadAllText(tokenizer).Replace(@"\\p{N}{1,3}", @"\\p{N}{1,2}"));
        var kit = new StageTestKit(t => t.TrimEnd() + "\n  gguf: { type: f16 }\n", model);
        var e = Assert.Throws<GgufExportException>(() => Export(kit, model));
        Assert.Contains("tokenizer.json: the pre-tokenizer is not one llama.cpp knows by name", e.Message);
        var written = Path.Combine(kit.Dir, "export-out", ExportStage.ModelFolder);
        Assert.False(Directory.Exists(written) && Directory.EnumerateFileSystemEntries(written).Any(), "the export wrote files before refusing");
    }
}
