using System.Text.Json.Nodes;
using Finetune.Pipeline.Stages;
using Finetune.Testing;
using Finetune.Text.Tokenizers;
using Finetune.Torch.IO;
using Finetune.Torch.Models;
using Finetune.Torch.Seeding;

namespace Finetune.Pipeline.Tests.Stages;

public sealed class ExportStageTests
{
    /// <summary>Runs tokenize/resize/seed for real, then export over a hand-made "trained" model (the seeded base).</summary>
    private static (StageTestKit Kit, string Output) Export(string dtype, string? maxShardSize = null)
    {
        var kit = new StageTestKit(t => t.Replace("  dtype: fp32\n", $"  dtype: {dtype}\n" + (maxShardSize is null ? "" : $"  max_shard_size: {maxShardSize}\n")));
        kit.Run(only: "seed");
        var train = Path.Combine(kit.Dir, "train");
        using (var model = CausalLM.Load(Path.Combine(TestPaths.RepoRoot, "recipes", "models", "tiny-llama")))
        {
            SeedPatch.Apply(model, Path.Combine(kit.Entry("seed"), SeedPatch.FileName));
            model.SaveHuggingFace(Path.Combine(train, TrainStage.ModelFolder));
        }
        var output = Path.Combine(kit.Dir, "export-out");
        Directory.CreateDirectory(output);
        var stage = new ExportStage(ExportInput.From(kit.Recipe));
        stage.Run(new StageRun
        {
            Stage = "export", Key = "k", OutputDir = output, WorkDir = kit.Dir, Observer = new RecordingObserverStub(),
            UpstreamDirs = new Dictionary<string, string> { ["tokenize"] = kit.Entry("tokenize"), ["resize"] = kit.Entry("resize"), ["train"] = train },
        });
        return (kit, output);
    }

    [Fact]
    public void Export_writes_a_hugging_face_folder_that_reloads_with_the_same_logits()
    {
        var (_, output) = Export("fp32");
        var folder = Path.Combine(output, ExportStage.ModelFolder);
        var names = Directory.GetFiles(folder).Select(f => Path.GetFileName(f)!).Order().ToArray();
        Assert.Equal(["config.json", "generation_config.json", "model.safetensors", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json"], names);

        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!;
        Assert.Equal(693, (int)config["vocab_size"]!);          // 689 + 4 new tokens
        Assert.True((bool)config["tie_word_embeddings"]!);
        using (var weights = SafetensorsFile.Open(Path.Combine(folder, "model.safetensors")))
        {
            Assert.DoesNotContain("lm_head.weight", weights.Names); // tied: stored once, as transformers does
            Assert.Equal([693L, 128L], weights.ShapeOf("model.embed_tokens.weight"));
            Assert.Equal("pt", weights.Metadata["format"]);
        }
        var generation = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "generation_config.json")))!;
        var tokenizer = HfTokenizer.FromFolder(folder);
        Assert.Equal(tokenizer.TokenToId("<|eot_id|>"), (int)generation["eos_token_id"]!);
        Assert.Equal([tokenizer.BosId!.Value, 689, 690, 691, 692], tokenizer.Encode("<think></think><answer></answer>", addBos: true));
        var decoder = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "tokenizer_config.json")))!["added_tokens_decoder"]!;
        Assert.Equal("<think>", (string)decoder["689"]!["content"]!);

        var parity = JsonNode.Parse(File.ReadAllText(Path.Combine(output, ExportStage.ParityFile)))!;
        Assert.True((double)parity["max_abs_logit_diff"]! <= ExportStage.ParityTolerance);
    }

    [Fact]
    public void Bf16_export_stores_bf16_and_still_passes_parity_against_the_rounded_model()
    {
        var (_, output) = Export("bf16");
        using var weights = SafetensorsFile.Open(Path.Combine(output, ExportStage.ModelFolder, "model.safetensors"));
        Assert.Equal(TorchSharp.torch.ScalarType.BFloat16, weights.DTypeOf("model.layers.0.mlp.up_proj.weight"));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(output, ExportStage.ModelFolder, "config.json")))!;
        Assert.Equal("bfloat16", (string)config["torch_dtype"]!);
    }

    [Fact]
    public void Export_above_max_shard_size_writes_shards_with_an_index_and_still_reloads_with_parity()
    {
        // The tiny model is 2.7 MB in fp32: a 1 MB limit makes several shards.
        var (_, output) = Export("fp32", "1MB");
        var folder = Path.Combine(output, ExportStage.ModelFolder);
        var shards = Directory.GetFiles(folder, "model-*-of-*.safetensors");
        Assert.True(shards.Length >= 3, string.Join(", ", shards));
        Assert.False(File.Exists(Path.Combine(folder, "model.safetensors")));
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "model.safetensors.index.json")))!;
        var map = index["weight_map"]!.AsObject();
        Assert.Equal("model.embed_tokens.weight", map.Select(kv => kv.Key).Order(StringComparer.Ordinal).First());
        Assert.All(map, kv => Assert.Contains(Path.Combine(folder, (string)kv.Value!), shards));
        var parity = JsonNode.Parse(File.ReadAllText(Path.Combine(output, ExportStage.ParityFile)))!;
        Assert.True((double)parity["max_abs_logit_diff"]! <= ExportStage.ParityTolerance);
    }

    private sealed class RecordingObserverStub : IPipelineObserver
    {
        public void StageCached(Planning.StagePlan plan) { }
        public void StageStarting(Planning.StagePlan plan) { }
        public void StageFinished(Planning.StagePlan plan, Store.StoreManifest manifest) { }
        public void StageSkipped(string stage, string why) { }
        public void Message(string stage, string text) { }
    }
}
