using System.Text;
using System.Text.Json.Nodes;
using Finetune.Testing;
using Finetune.Torch.IO;
using Finetune.Torch.Models;
using static TorchSharp.torch;

namespace Finetune.Torch.Tests.Models;

public sealed class CheckpointErrorTests
{
    [Fact]
    public void Missing_tensor_is_named()
    {
        var folder = SavedTinyModel();
        var file = Path.Combine(folder, "model.safetensors");
        Dictionary<string, Tensor> kept;
        using (var source = SafetensorsFile.Open(file))
            kept = source.Names.Where(n => n != "model.layers.1.mlp.up_proj.weight").ToDictionary(n => n, source.Read);
        SafetensorsWriter.Write(file, kept);
        var e = Assert.Throws<CheckpointException>(() => CausalLM.Load(folder));
        Assert.Equal($"{file}: missing tensor 'model.layers.1.mlp.up_proj.weight'", e.Message);
    }

    [Fact]
    public void Unexpected_tensor_is_named()
    {
        var folder = SavedTinyModel();
        var file = Path.Combine(folder, "model.safetensors");
        Dictionary<string, Tensor> all;
        using (var source = SafetensorsFile.Open(file))
            all = source.Names.ToDictionary(n => n, source.Read);
        all["model.layers.0.self_attn.q_proj.bias"] = zeros(32);
        SafetensorsWriter.Write(file, all);
        var e = Assert.Throws<CheckpointException>(() => CausalLM.Load(folder));
        Assert.Equal($"{file}: unexpected tensor 'model.layers.0.self_attn.q_proj.bias' for a LlamaForCausalLM model", e.Message);
    }

    [Fact]
    public void Shape_that_disagrees_with_the_config_is_named()
    {
        var folder = SavedTinyModel();
        var configPath = Path.Combine(folder, "config.json");
        var json = JsonNode.Parse(File.ReadAllText(configPath))!;
        json["vocab_size"] = 41;
        File.WriteAllText(configPath, json.ToJsonString());
        var e = Assert.Throws<CheckpointException>(() => CausalLM.Load(folder));
        Assert.Equal($"{Path.Combine(folder, "model.safetensors")}: tensor 'model.embed_tokens.weight' has shape [40, 16] but the config gives [41, 16]", e.Message);
    }

    [Fact]
    public void Unknown_rope_scaling_type_is_refused_not_dropped()
    {
        var folder = SavedTinyModel();
        var configPath = Path.Combine(folder, "config.json");
        var json = JsonNode.Parse(File.ReadAllText(configPath))!;
        json["rope_scaling"] = JsonNode.Parse("""{"rope_type":"longrope","factor":4.0}""");
        File.WriteAllText(configPath, json.ToJsonString());
        var e = Assert.Throws<CheckpointException>(() => CausalLM.Load(folder));
        Assert.Equal($"{configPath}: rope_scaling type 'longrope' is not supported (supported: default, linear, dynamic, yarn, llama3)", e.Message);
    }

    [Fact]
    public void Gguf_with_a_quantized_tensor_is_refused_naming_type_and_tensor()
    {
        var path = Path.Combine(TestPaths.NewTempDir(), "q.gguf");
        File.WriteAllBytes(path, TinyGguf());
        var e = Assert.Throws<CheckpointException>(() => CausalLM.Load(path));
        Assert.StartsWith(path + ": tensor 'blk.0.attn_q.weight' has type Q4_0, which is not supported", e.Message);
    }

    [Fact]
    public void Missing_hidden_size_blames_config_json_not_the_weights()
    {
        var folder = SavedTinyModel();
        var configPath = Path.Combine(folder, "config.json");
        var json = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        json.Remove("hidden_size");
        File.WriteAllText(configPath, json.ToJsonString());
        var e = Assert.Throws<CheckpointException>(() => CausalLM.Load(folder));
        Assert.Equal($"{configPath}: required field 'hidden_size' is missing", e.Message);
    }

    [Fact]
    public void Qwen2_weights_without_their_biases_are_refused_naming_the_first()
    {
        var folder = TestPaths.NewTempDir();
        using (var model = TinyModels.Random(TinyModels.Config("qwen2", tied: true), ScalarType.Float32, seed: 3))
            model.SaveHuggingFace(folder);
        var file = Path.Combine(folder, "model.safetensors");
        Dictionary<string, Tensor> kept;
        using (var source = SafetensorsFile.Open(file))
            kept = source.Names.Where(n => !n.EndsWith(".bias", StringComparison.Ordinal)).ToDictionary(n => n, source.Read);
        SafetensorsWriter.Write(file, kept);
        var e = Assert.Throws<CheckpointException>(() => CausalLM.Load(folder));
        Assert.StartsWith($"{file}: missing tensor 'model.layers.", e.Message);
        Assert.Contains(".bias' (and 5 more)", e.Message);
    }

    private static string SavedTinyModel()
    {
        var folder = TestPaths.NewTempDir();
        using var model = TinyModels.Random(TinyModels.Config(tied: true, llama3: false), ScalarType.Float32, seed: 3);
        model.SaveHuggingFace(folder);
        return folder;
    }

    /// <summary>A GGUF v3 file by hand: llama metadata, an F32 token_embd and a Q4_0 attn_q (one 18-byte block per 32 values).</summary>
    private static byte[] TinyGguf()
    {
        var s = new MemoryStream();
        var w = new BinaryWriter(s);
        void Str(string v) { var b = Encoding.UTF8.GetBytes(v); w.Write((ulong)b.Length); w.Write(b); }
        void U32Kv(string key, uint v) { Str(key); w.Write(4u); w.Write(v); }
        w.Write("GGUF"u8.ToArray());
        w.Write(3u);
        w.Write(2UL);
        w.Write(5UL);
        Str("general.architecture"); w.Write(8u); Str("llama");
        U32Kv("llama.embedding_length", 32);
        U32Kv("llama.feed_forward_length", 8);
        U32Kv("llama.block_count", 1);
        U32Kv("llama.attention.head_count", 4);
        Str("token_embd.weight"); w.Write(2u); w.Write(32UL); w.Write(4UL); w.Write(0u); w.Write(0UL);
        Str("blk.0.attn_q.weight"); w.Write(2u); w.Write(32UL); w.Write(32UL); w.Write(2u); w.Write(512UL);
        while (s.Length % 32 != 0) w.Write((byte)0);
        w.Write(new byte[512 + 32 * 18]);
        return s.ToArray();
    }
}
