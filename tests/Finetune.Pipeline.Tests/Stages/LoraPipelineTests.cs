using System.Text.Json.Nodes;
using Finetune.Pipeline.Stages;
using Finetune.Testing;
using Finetune.Torch.IO;
using Finetune.Torch.Models;
using static TorchSharp.torch;

namespace Finetune.Pipeline.Tests.Stages;

/// <summary>
/// The tiny recipe with <c>method: lora</c>: it exports the merged folder and a PEFT adapter
/// that, merged by hand onto the resized base, gives the merged folder's logits; a rank edit reruns train,
/// evaluate and export only.
/// </summary>
public sealed class LoraPipelineTests
{
    /// <summary>LoRA r=16 on all linear layers with trainable rows and an adapter export; a few steps and short evaluation (the adapter's plumbing, not learning).</summary>
    internal static string Lora(string recipe, int rank = 16) => recipe
        .Replace("train:\n  epochs: 3\n", $"train:\n  method: lora\n  lora: {{ rank: {rank}, alpha: 32, dropout: 0.0, targets: [all-linear], new_rows: train }}\n  epochs: 3\n  max_steps: 3\n")
        .Replace("  test_questions: 20\n  max_new_tokens: 96\n", "  test_questions: 2\n  max_new_tokens: 8\n")
        .Replace("  learning_rate: 3.0e-3\n", "  learning_rate: 1.0e-2\n")
        .Replace("  path: export\n  dtype: fp32\n", "  path: export\n  dtype: fp32\n  adapter: true\n");

    [Fact]
    public void Tiny_LoRA_recipe_exports_a_PEFT_adapter_that_merges_by_hand_to_the_exported_logits_and_a_rank_edit_reruns_train_evaluate_export()
    {
        var kit = new StageTestKit(t => Lora(t));
        Assert.Contains("method: lora", File.ReadAllText(kit.RecipePath));
        Assert.Contains("adapter: true", File.ReadAllText(kit.RecipePath));
        Assert.Contains("max_steps: 3", File.ReadAllText(kit.RecipePath));
        kit.Run();

        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(kit.Entry("train"), TrainStage.SummaryFile)))!;
        Assert.Equal("lora", (string)summary["method"]!);

        var folder = Path.Combine(kit.Entry("export"), ExportStage.ModelFolder);
        var adapterDir = Path.Combine(folder, "adapter");
        Assert.Equal(["adapter_config.json", "adapter_model.safetensors", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json"],
            Directory.GetFiles(adapterDir).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal));
        Assert.True(File.Exists(Path.Combine(kit.Dir, "export", "adapter", "adapter_config.json")));   // published with the folder

        // adapter_config.json: the LoraConfig fields PEFT reads (the tiny model ties its head: the indices are a list)
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(adapterDir, "adapter_config.json")))!.AsObject();
        Assert.Equal("LORA", (string)config["peft_type"]!);
        Assert.Equal("CAUSAL_LM", (string)config["task_type"]!);
        Assert.Equal(16, (int)config["r"]!);
        Assert.Equal(32, (int)config["lora_alpha"]!);
        Assert.Equal(0.0, (double)config["lora_dropout"]!);
        Assert.Equal(["down_proj", "gate_proj", "k_proj", "o_proj", "q_proj", "up_proj", "v_proj"], config["target_modules"]!.AsArray().Select(n => (string)n!));
        Assert.Equal([689, 690, 691, 692], config["trainable_token_indices"]!.AsArray().Select(n => (int)n!));
        Assert.Equal(Path.Combine(TestPaths.RepoRoot, "recipes", "models", "tiny-llama"), (string)config["base_model_name_or_path"]!);
        Assert.Equal(config.Select(kv => kv.Key).Order(StringComparer.Ordinal), config.Select(kv => kv.Key));   // sort_keys, as PEFT

        // By hand, as PEFT's merge_and_unload would: the base resized to len(tokenizer) (new rows at zero here;
        // transformers would fill them with the mean: the adapter replaces them anyway), each target W += (alpha / r) B A,
        // the trainable_tokens_delta rows written over rows 689..692 (tied head: the same rows).
        using var adapter = SafetensorsFile.Open(Path.Combine(adapterDir, "adapter_model.safetensors"));
        var layers = (int)JsonNode.Parse(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "recipes", "models", "tiny-llama", "config.json")))!["num_hidden_layers"]!;
        Assert.Equal(layers * 7 * 2 + 1, adapter.Names.Count);    // layers x 7 projections x (A, B) + one delta
        Assert.Contains("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", adapter.Names);
        Assert.Contains($"base_model.model.model.layers.{layers - 1}.mlp.down_proj.lora_B.weight", adapter.Names);
        Assert.Contains("base_model.model.model.embed_tokens.token_adapter.trainable_tokens_delta", adapter.Names);
        using var byHand = CausalLM.Load(Path.Combine(TestPaths.RepoRoot, "recipes", "models", "tiny-llama"), ScalarType.Float32);
        byHand.ResizeTokenEmbeddings(693);
        var weights = byHand.StateNames();
        double scale = (double)config["lora_alpha"]! / (int)config["r"]!;
        using (no_grad())
        {
            foreach (var name in adapter.Names.Where(n => n.EndsWith(".lora_A.weight", StringComparison.Ordinal)))
            {
                var module = name["base_model.model.".Length..^".lora_A.weight".Length];
                var a = adapter.Read(name);
                var b = adapter.Read(name.Replace("lora_A", "lora_B"));
                weights[module + ".weight"].add_(b.matmul(a).mul(scale));
            }
            var delta = adapter.Read("base_model.model.model.embed_tokens.token_adapter.trainable_tokens_delta");
            Assert.Equal([4L, 128L], delta.shape);
            weights["model.embed_tokens.weight"].index_copy_(0, tensor(new long[] { 689, 690, 691, 692 }), delta);
        }
        using var merged = CausalLM.Load(folder, ScalarType.Float32);
        var ids = tensor(new long[] { 1, 40, 689, 300, 690, 691, 12, 692, 5 }).unsqueeze(0);
        using (no_grad())
        {
            var expected = merged.forward(ids);
            var actual = byHand.forward(ids);
            Assert.True((expected - actual).abs().max().item<float>() < 1e-4f);
        }

        // A rank edit moves train and what reads it, nothing upstream.
        File.WriteAllText(kit.RecipePath, File.ReadAllText(kit.RecipePath).Replace("rank: 16", "rank: 8"));
        var plans = kit.Run();
        Assert.Equal(["tokenize", "resize", "seed", "map"], plans.Where(p => p.Cached).Select(p => p.Stage));
        Assert.Equal(["train", "evaluate", "export"], plans.Where(p => !p.Cached).Select(p => p.Stage));
    }
}
