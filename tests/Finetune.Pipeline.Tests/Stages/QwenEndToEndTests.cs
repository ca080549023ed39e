using System.Text.Json.Nodes;
using Finetune.Pipeline.Stages;
using Finetune.Testing;
using Finetune.Text.Tokenizers;
using Finetune.Torch.Models;
using Finetune.Torch.Seeding;
using static TorchSharp.torch;

namespace Finetune.Pipeline.Tests.Stages;

/// <summary>
/// A tiny random Qwen3 model (built here) with the real Qwen3 tokenizer (../shared/reference/qwen3, copied into a
/// temp model folder) runs the whole recipe: think tokens reused, answer tokens added into Qwen's padded rows,
/// seeded from &lt;|im_start|&gt;, trained with ChatML loss masks, evaluated and exported as a Qwen3 folder.
/// </summary>
public sealed class QwenEndToEndTests
{
    private const int ImStart = 151644, Think = 151667, EndThink = 151668, Answer = 151669, EndAnswer = 151670; // qwen3/README.md
    private const int Rows = 151936; // Qwen3's config.json pads the embedding beyond the 151,669 tokens

    private static string TinyQwen3()
    {
        var folder = Path.Combine(TestPaths.NewTempDir("tiny-qwen3"), "model");
        var config = new ModelConfig
        {
            ModelType = "qwen3", VocabSize = Rows, HiddenSize = 16, IntermediateSize = 32, NumHiddenLayers = 2,
            NumAttentionHeads = 4, NumKeyValueHeads = 2, HeadDimension = 8, RmsNormEps = 1e-6, RopeTheta = 1e6,
            MaxPositionEmbeddings = 1024, TieWordEmbeddings = true, BosTokenId = 151643, EosTokenId = 151645,
        };
        manual_seed(7);
        using (var model = new CausalLM(config))
            model.SaveHuggingFace(folder);
        foreach (var f in new[] { "tokenizer.json", "tokenizer_config.json" })
            File.Copy(TestPaths.Reference("qwen3", f), Path.Combine(folder, f));
        File.WriteAllText(Path.Combine(folder, "generation_config.json"),
            "{\n  \"bos_token_id\": 151643,\n  \"do_sample\": true,\n  \"eos_token_id\": [\n    151645,\n    151643\n  ],\n  \"pad_token_id\": 151643,\n  \"temperature\": 0.6,\n  \"transformers_version\": \"4.51.0\"\n}\n");
        return folder;
    }

    private static string Recipe(string model) => $"""
        name: tiny-qwen3
        model: {"{"} path: {model}, dtype: fp32 {"}"}
        tokens:
          add: ["<think>", "</think>", "<answer>", "</answer>"]
          if_exists: reuse
          pad_token: "<|endoftext|>"
        seed:
          strategy: copy
          from: "<|im_start|>"
          rows: [input, output]
          probe: "Lily has 3 red apples. How many apples does Lily have?"
        data:
          path: {Path.Combine(TestPaths.RepoRoot, "recipes", "data", "demo-reasoning.jsonl")}
          take: 24
          test_fraction: 0.25
          shuffle_seed: 42
          messages:
            - {"{"} role: user, content: "{"{{"} instruction {"}}"}" {"}"}
            - {"{"} role: assistant, content: "<think>{"{{"} reasoning {"}}"}</think><answer>{"{{"} output {"}}"}</answer>" {"}"}
          chat_template: model
          loss_on: assistant
        train:
          epochs: 1
          batch_size: 6
          learning_rate: 1.0e-3
          max_seq_length: 256
          log_every: 1
          seed: 42
          precision: fp32
        evaluate:
          prompts: ["Tom has 4 red balls. He finds 3 more. How many balls does Tom have now?"]
          test_questions: 2
          max_new_tokens: 8
        export:
          format: hf
          path: export
          dtype: fp32
        """;

    [Fact]
    public void Tiny_qwen3_recipe_reuses_think_tokens_seeds_answer_tokens_in_padded_rows_and_exports_a_qwen3_folder()
    {
        var model = TinyQwen3();
        var kit = new StageTestKit(_ => Recipe(model));
        kit.Run();

        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(kit.Entry("tokenize"), TokenizeStage.ReportFile)))!;
        Assert.Equal([("<think>", Think), ("</think>", EndThink)], report["reused"]!.AsArray().Select(r => ((string)r!["token"]!, (int)r["id"]!)));
        Assert.Equal([("<answer>", Answer), ("</answer>", EndAnswer)], report["added"]!.AsArray().Select(r => ((string)r!["token"]!, (int)r["id"]!)));

        var plan = ResizePlan.Read(kit.Entry("resize"));
        Assert.Equal((Rows, Rows, EndAnswer + 1), (plan.OldRows, plan.NewRows, plan.VocabSize));

        using var base_ = CausalLM.Load(model);
        using var seeded = CausalLM.Load(model);
        SeedPatch.Apply(seeded, Path.Combine(kit.Entry("seed"), SeedPatch.FileName));
        var embed = seeded.model.embed_tokens.weight!;
        var original = base_.model.embed_tokens.weight!;
        Assert.Equal(original[ImStart].data<float>().ToArray(), embed[Answer].data<float>().ToArray());
        Assert.Equal(original[ImStart].data<float>().ToArray(), embed[EndAnswer].data<float>().ToArray());
        Assert.Equal(original[Think].data<float>().ToArray(), embed[Think].data<float>().ToArray());          // reused: untouched
        Assert.Equal(original[Rows - 1].data<float>().ToArray(), embed[Rows - 1].data<float>().ToArray());    // padding row: kept

        var exported = Path.Combine(kit.Dir, "export");
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(exported, "config.json")))!;
        Assert.Equal("qwen3", (string)config["model_type"]!);
        Assert.Equal("Qwen3ForCausalLM", (string)config["architectures"]![0]!);
        Assert.Equal(Rows, (int)config["vocab_size"]!);
        // Qwen2Tokenizer has a slow twin, so save_pretrained also writes vocab.json, merges.txt and added_tokens.json.
        // .finetune-published.json: the publisher's marker (what it wrote, so a later publish may replace it).
        Assert.Equal([".finetune-published.json", "added_tokens.json", "config.json", "generation_config.json", "merges.txt", "model.safetensors", "special_tokens_map.json",
            "tokenizer.json", "tokenizer_config.json", "vocab.json"], Directory.GetFiles(exported).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.StartsWith("{\"!\":0,\"\\\"\":1,\"#\":2,", File.ReadAllText(Path.Combine(exported, "vocab.json")));
        Assert.StartsWith("#version: 0.2\nĠ Ġ\nĠĠ ĠĠ\n", File.ReadAllText(Path.Combine(exported, "merges.txt")));
        var added = File.ReadAllText(Path.Combine(exported, "added_tokens.json"));
        Assert.StartsWith("{\n  \"</answer>\": 151670,\n  \"</think>\": 151668,\n  \"</tool_call>\": 151658,\n", added);
        Assert.Equal(28, JsonNode.Parse(added)!.AsObject().Count);
        // generation_config: the base's eos order kept, keys sorted as GenerationConfig writes them.
        Assert.Equal("{\n  \"bos_token_id\": 151643,\n  \"do_sample\": true,\n  \"eos_token_id\": [\n    151645,\n    151643\n  ],\n  \"pad_token_id\": 151643,\n"
            + "  \"temperature\": 0.6,\n  \"transformers_version\": \"4.51.0\"\n}\n", File.ReadAllText(Path.Combine(exported, "generation_config.json")));
        var tokenizer = HfTokenizer.FromFolder(exported);
        Assert.Equal([Think, Answer, EndAnswer, EndThink], tokenizer.Encode("<think><answer></answer></think>"));
        var parity = JsonNode.Parse(File.ReadAllText(Path.Combine(kit.Entry("export"), ExportStage.ParityFile)))!;
        Assert.True((double)parity["max_abs_logit_diff"]! <= ExportStage.ParityTolerance);
    }
}
