using System.Text.Json;
using System.Text.Json.Nodes;
using Finetune.Torch.IO;
using static TorchSharp.torch;

namespace Finetune.Torch.Training.Lora;

/// <summary>
/// A LoRA adapter in PEFT's saved layout: <c>adapter_config.json</c> (a <c>LoraConfig</c> as
/// <c>save_pretrained</c> writes it: sorted keys, inference_mode true) and <c>adapter_model.safetensors</c>
/// (<see cref="PeftNames"/>, fp32). The added tokens are <c>trainable_token_indices</c>: a list when the head is
/// tied (PEFT ties the head's adapter to the embedding's), else one list each for embed_tokens and lm_head.
/// PEFT loads it onto the base after <c>resize_token_embeddings(len(tokenizer))</c>.
/// </summary>
public static class PeftAdapter
{
    public const string ConfigFile = "adapter_config.json";
    public const string WeightsFile = "adapter_model.safetensors";

    /// <param name="baseModel">base_model_name_or_path: where PEFT finds the base model</param>
    /// <param name="tied">whether the base ties its head to the embedding</param>
    public static void Save(string folder, LoraAdapter adapter, string baseModel, bool tied)
    {
        Directory.CreateDirectory(folder);
        using (var scope = NewDisposeScope())
            SafetensorsWriter.Write(Path.Combine(folder, WeightsFile), adapter.PeftTensors());
        File.WriteAllText(Path.Combine(folder, ConfigFile), Config(adapter.Options, baseModel, tied).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>The adapter_config.json object (keys sorted, as PEFT writes them).</summary>
    public static JsonObject Config(LoraOptions options, string baseModel, bool tied)
    {
        JsonNode? indices = null;
        if (options.NewRowCount > 0)
        {
            JsonArray Ids() => new(Enumerable.Range(options.FirstNewRow, options.NewRowCount).Select(i => (JsonNode)i).ToArray());
            indices = tied ? Ids() : new JsonObject { ["embed_tokens"] = Ids(), ["lm_head"] = Ids() };
        }
        JsonNode Number(double value) => value == Math.Floor(value) && Math.Abs(value) < 1e9 ? JsonValue.Create((long)value) : JsonValue.Create(value);
        var fields = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["alpha_pattern"] = new JsonObject(),
            ["auto_mapping"] = null,
            ["base_model_name_or_path"] = baseModel,
            ["bias"] = "none",
            ["fan_in_fan_out"] = false,
            ["inference_mode"] = true,
            ["init_lora_weights"] = true,
            ["layers_pattern"] = null,
            ["layers_to_transform"] = null,
            ["lora_alpha"] = Number(options.Alpha),
            ["lora_bias"] = false,
            ["lora_dropout"] = options.Dropout,
            ["modules_to_save"] = null,
            ["peft_type"] = "LORA",
            ["r"] = options.Rank,
            ["rank_pattern"] = new JsonObject(),
            ["revision"] = null,
            ["target_modules"] = new JsonArray(options.TargetModules.Order(StringComparer.Ordinal).Select(t => (JsonNode)t).ToArray()),
            ["task_type"] = "CAUSAL_LM",
            ["trainable_token_indices"] = indices,
            ["use_dora"] = false,
            ["use_rslora"] = false,
        };
        var config = new JsonObject();
        foreach (var (key, value) in fields) config[key] = value;
        return config;
    }
}
