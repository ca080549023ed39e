using System.Text.Json.Nodes;
using Finetune.Pipeline.Stages;
using Finetune.Testing;
using Finetune.Text.Tokenizers;
using Finetune.Torch.IO;
using Finetune.Torch.Models;
using static TorchSharp.torch;

namespace Finetune.Pipeline.Tests.Stages;

/// <summary>A recipe whose base model is a .gguf file (stories260K: SentencePiece vocab, untied head, no chat template) runs through export.</summary>
public sealed class GgufBaseModelTests
{
    private static readonly string Gguf = TestPaths.Reference("models", "stories260K.gguf");

    private static string Recipe() => $$$"""
        name: gguf-stories
        model: { path: {{{Gguf}}}, dtype: fp32 }
        tokens:
          add: ["<think>", "</think>", "<answer>", "</answer>"]
          special: false
        seed:
          strategy: mean
          rows: [input, output]
          probe: "Lily has 3 red apples. Tom gives her 2 more. How many apples does Lily have now?"
        data:
          path: {{{Path.Combine(TestPaths.RepoRoot, "recipes", "data", "demo-reasoning.jsonl")}}}
          take: 64
          test_fraction: 0.1
          shuffle_seed: 42
          messages:
            - { role: user, content: "{{ instruction }}" }
            - { role: assistant, content: "<think>{{ reasoning }}</think><answer>{{ output }}</answer>" }
          chat_template: {{{Path.Combine(TestPaths.RepoRoot, "recipes", "tiny", "chat_template.jinja")}}}
          loss_on: assistant
        train:
          epochs: 1
          batch_size: 8
          gradient_accumulation: 1
          learning_rate: 1.0e-3
          max_seq_length: 256
          eval_every: 50
          log_every: 10
          save: epoch
          seed: 42
          precision: fp32
        evaluate:
          prompts: ["Tom has 4 red balls. He finds 3 more. How many balls does Tom have now?"]
          test_questions: 1
          max_new_tokens: 8
        export:
          format: hf
          path: export
          dtype: fp32
        """;

    [Fact]
    public void Gguf_recipe_runs_to_an_exported_folder_that_reloads_with_the_trained_logits_and_the_gguf_ids()
    {
        var kit = new StageTestKit(_ => Recipe());
        kit.Run();
        var folder = Path.Combine(kit.Dir, "export");

        // config.json from the GGUF metadata (../shared/reference/models/README.md) with 512 + 4 rows, head untied.
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!;
        Assert.Equal(516, (int)config["vocab_size"]!);
        Assert.False((bool)config["tie_word_embeddings"]!);
        Assert.Equal("LlamaForCausalLM", (string)config["architectures"]![0]!);
        Assert.Equal((64, 5, 8, 4, 8), ((int)config["hidden_size"]!, (int)config["num_hidden_layers"]!, (int)config["num_attention_heads"]!, (int)config["num_key_value_heads"]!, (int)config["head_dim"]!));
        using (var weights = SafetensorsFile.Open(Path.Combine(folder, "model.safetensors")))
        {
            Assert.Equal([516L, 64L], weights.ShapeOf("lm_head.weight"));
            Assert.Equal([516L, 64L], weights.ShapeOf("model.embed_tokens.weight"));
        }

        // The tokenizer files reproduce the GGUF tokenizer, plus one id per added token.
        var gguf = HfTokenizer.Load(Gguf);
        var tokenizer = HfTokenizer.FromFolder(folder);
        Assert.Equal([1, 403, 407, 261, 378], tokenizer.Encode("Once upon a time", addBos: true));
        const string story = "Once upon a time, there was a little girl named Lily. She loved to play outside.";
        Assert.Equal(gguf.Encode(story, addBos: true), tokenizer.Encode(story, addBos: true));
        Assert.Equal([1, 512, 513, 514, 515], tokenizer.Encode("<think></think><answer></answer>", addBos: true));
        Assert.Equal(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "recipes", "tiny", "chat_template.jinja")), tokenizer.ChatTemplate);
        Assert.Equal([2], tokenizer.EosIds);

        // The stage's own parity check, and ours on another prompt: the folder's logits are the trained model's.
        var parity = JsonNode.Parse(File.ReadAllText(Path.Combine(kit.Entry("export"), ExportStage.ParityFile)))!;
        Assert.True((double)parity["max_abs_logit_diff"]! <= ExportStage.ParityTolerance);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var trained = CausalLM.Load(Path.Combine(kit.Entry("train"), TrainStage.ModelFolder), ScalarType.Float32);
        using var exported = CausalLM.Load(folder, ScalarType.Float32);
        var input = tensor(new long[] { 1, 403, 407, 261, 378, 512 }).unsqueeze(0);
        Assert.Equal(0f, (trained.forward(input) - exported.forward(input)).abs().max().item<float>());
    }
}
