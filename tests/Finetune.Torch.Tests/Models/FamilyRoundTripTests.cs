using System.Text.Json.Nodes;
using Finetune.Testing;
using Finetune.Torch.IO;
using Finetune.Torch.Models;
using Finetune.Torch.Tests.Training.Loop;
using Finetune.Torch.Training.Loop;
using static TorchSharp.torch;

namespace Finetune.Torch.Tests.Models;

/// <summary>
/// Each family through the whole life of a model here: made, saved as a Hugging Face folder, loaded, scored,
/// resized, trained a few steps with <see cref="SftTrainer"/>, saved and loaded again.
/// </summary>
public sealed class FamilyRoundTripTests
{
    private static readonly int[] Ids = [1, 5, 9, 33, 2, 17, 17, 39, 0, 12, 8];

    [Theory]
    [MemberData(nameof(FamilyForwardTests.FamiliesTiedAndUntied), MemberType = typeof(FamilyForwardTests))]
    public void Save_load_score_resize_train_save_reload_keeps_logits_identical(string family, bool tied)
    {
        var first = TestPaths.NewTempDir();
        using (var made = TinyModels.Random(TinyModels.Config(family, tied), ScalarType.Float32, seed: 17))
            made.SaveHuggingFace(first);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(first, "config.json")))!.AsObject();
        Assert.Equal(family, (string)json["model_type"]!);

        using var model = CausalLM.Load(first);
        Assert.Equal(family, model.Config.Family.ModelType);
        Assert.Equal(tied, model.Tied);
        Assert.True(FamilyForwardTests.Worst(model, Ids) < 1e-4, "loaded model against the float64 loop");

        var before = model.Config;
        model.ResizeTokenEmbeddings(44);
        Assert.Equal(40, before.VocabSize);                                   // the old config is untouched
        Assert.Equal(44, model.Config.VocabSize);
        using (no_grad())
            using (var seed = randn(4, 16) * 0.4)
            {
                model.model.embed_tokens.weight!.narrow(0, 40, 4).copy_(seed);
                model.lm_head?.weight!.narrow(0, 40, 4).copy_(seed);
            }
        int[] withNew = [.. Ids, 41, 43];
        Assert.True(FamilyForwardTests.Worst(model, withNew) < 1e-4, "resized model against the float64 loop");

        var work = TestPaths.NewTempDir();
        using var train = TrainerData.Shard(work, "train", Enumerable.Range(0, 8).Select(i => TrainerData.AllLoss(1, 5 + i, 9, 41, 43, 2 + i)));
        using var original = model.OutputWeight.detach().clone();
        using (var trainer = new SftTrainer(model, train, null, TrainerData.Options with { MaxSteps = 3 }, Path.Combine(work, "run")))
            trainer.Train();
        using (var moved = model.OutputWeight.detach() - original)
            Assert.True(moved.abs().max().item<float>() > 0, "training moved nothing");

        var second = TestPaths.NewTempDir();
        model.SaveHuggingFace(second);
        using var reloaded = CausalLM.Load(second);
        Assert.Equal(44, reloaded.Config.VocabSize);
        using var input = tensor(withNew.Select(i => (long)i).ToArray()).unsqueeze(0);
        using var _ = no_grad();
        using var expected = model.forward(input);
        using var actual = reloaded.forward(input);
        Assert.Equal(expected.data<float>().ToArray(), actual.data<float>().ToArray());
        var resaved = JsonNode.Parse(File.ReadAllText(Path.Combine(second, "config.json")))!;
        Assert.True(JsonNode.DeepEquals(ExpectedConfig(family, tied, vocab: 44), resaved), resaved.ToJsonString());
    }

    [Theory]
    [MemberData(nameof(FamilyForwardTests.FamiliesTiedAndUntied), MemberType = typeof(FamilyForwardTests))]
    public void Config_made_in_code_is_written_with_the_keys_and_defaults_transformers_writes(string family, bool tied)
    {
        var path = Path.Combine(TestPaths.NewTempDir(), "config.json");
        TinyModels.Config(family, tied).WithDtype(ScalarType.BFloat16).Save(path);
        var text = File.ReadAllText(path);
        var saved = JsonNode.Parse(text)!.AsObject();
        var expected = ExpectedConfig(family, tied, vocab: 40, dtype: "bfloat16");
        Assert.True(JsonNode.DeepEquals(expected, saved), saved.ToJsonString());
        Assert.Equal(saved.Select(kv => kv.Key).Order(StringComparer.Ordinal), saved.Select(kv => kv.Key));   // sort_keys=True
        Assert.EndsWith("}\n", text);
    }

    [Theory]
    [MemberData(nameof(FamilyForwardTests.FamiliesTiedAndUntied), MemberType = typeof(FamilyForwardTests))]
    public void Tensors_are_saved_once_under_hugging_face_names(string family, bool tied)
    {
        var folder = TestPaths.NewTempDir();
        using (var made = TinyModels.Random(TinyModels.Config(family, tied), ScalarType.BFloat16, seed: 2))
            made.SaveHuggingFace(folder);
        using var file = SafetensorsFile.Open(Path.Combine(folder, "model.safetensors"));
        int perLayer = 9 + family switch { "qwen2" => 3, "qwen3" => 2, _ => 0 };
        Assert.Equal(2 * perLayer + 2 + (tied ? 0 : 1), file.Names.Count);
        Assert.Equal(!tied, file.Contains("lm_head.weight"));
        Assert.All(file.Entries.Values, e => Assert.Equal("BF16", e.DType));
    }

    /// <summary>
    /// By hand from transformers 4.56's config classes (LlamaConfig, MistralConfig, Qwen2Config, Qwen3Config):
    /// every __init__ attribute, the class defaults for what the tiny config does not set, ids as set.
    /// </summary>
    internal static JsonObject ExpectedConfig(string family, bool tied, int vocab, string dtype = "float32")
    {
        string json = family switch
        {
            "llama" => """
                {"architectures": ["LlamaForCausalLM"], "attention_bias": false, "attention_dropout": 0.0, "bos_token_id": 1,
                 "eos_token_id": 2, "head_dim": 8, "hidden_act": "silu", "hidden_size": 16, "initializer_range": 0.02,
                 "intermediate_size": 24, "max_position_embeddings": 64, "mlp_bias": false, "model_type": "llama",
                 "num_attention_heads": 4, "num_hidden_layers": 2, "num_key_value_heads": 2, "pretraining_tp": 1,
                 "rms_norm_eps": 1e-05, "rope_scaling": null, "rope_theta": 10000.0, "use_cache": true}
                """,
            "mistral" => """
                {"architectures": ["MistralForCausalLM"], "attention_dropout": 0.0, "bos_token_id": 1, "eos_token_id": 2,
                 "head_dim": 8, "hidden_act": "silu", "hidden_size": 16, "initializer_range": 0.02, "intermediate_size": 24,
                 "max_position_embeddings": 64, "model_type": "mistral", "num_attention_heads": 4, "num_hidden_layers": 2,
                 "num_key_value_heads": 2, "rms_norm_eps": 1e-05, "rope_theta": 10000.0, "sliding_window": 4, "use_cache": true}
                """,
            "qwen2" => """
                {"architectures": ["Qwen2ForCausalLM"], "attention_dropout": 0.0, "eos_token_id": 2, "head_dim": 8,
                 "hidden_act": "silu", "hidden_size": 16, "initializer_range": 0.02, "intermediate_size": 24,
                 "layer_types": ["full_attention", "full_attention"], "max_position_embeddings": 64, "max_window_layers": 28,
                 "model_type": "qwen2", "num_attention_heads": 4, "num_hidden_layers": 2, "num_key_value_heads": 2,
                 "rms_norm_eps": 1e-05, "rope_scaling": null, "rope_theta": 1000000.0, "sliding_window": null,
                 "use_cache": true, "use_sliding_window": false}
                """,
            _ => """
                {"architectures": ["Qwen3ForCausalLM"], "attention_bias": false, "attention_dropout": 0.0, "eos_token_id": 2,
                 "head_dim": 8, "hidden_act": "silu", "hidden_size": 16, "initializer_range": 0.02, "intermediate_size": 24,
                 "layer_types": ["full_attention", "full_attention"], "max_position_embeddings": 64, "max_window_layers": 28,
                 "model_type": "qwen3", "num_attention_heads": 4, "num_hidden_layers": 2, "num_key_value_heads": 2,
                 "rms_norm_eps": 1e-05, "rope_scaling": null, "rope_theta": 1000000.0, "sliding_window": null,
                 "use_cache": true, "use_sliding_window": false}
                """,
        };
        var expected = JsonNode.Parse(json)!.AsObject();
        expected["tie_word_embeddings"] = tied;
        expected["torch_dtype"] = dtype;
        expected["vocab_size"] = vocab;
        var sorted = new JsonObject();
        foreach (var (key, value) in expected.OrderBy(kv => kv.Key, StringComparer.Ordinal)) sorted[key] = value?.DeepClone();
        return sorted;
    }
}
