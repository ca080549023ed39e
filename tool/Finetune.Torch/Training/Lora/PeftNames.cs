using System.Globalization;

namespace Finetune.Torch.Training.Lora;

/// <summary>
/// Tensor names of a saved PEFT LoRA adapter (<c>get_peft_model_state_dict</c>: the adapter name removed):
/// <c>base_model.model.model.layers.{i}.self_attn.q_proj.lora_A.weight</c>, and for
/// <c>trainable_token_indices</c> the wrapper's <c>token_adapter.trainable_tokens_delta</c> on
/// <c>model.embed_tokens</c> (and on <c>lm_head</c> when untied; a tied head's adapter is not saved).
/// The delta holds the rows' values (PEFT index-copies it over the base rows), not a difference.
/// </summary>
public static class PeftNames
{
    public const string Prefix = "base_model.model.";
    public const string EmbedTokensDelta = Prefix + "model.embed_tokens.token_adapter.trainable_tokens_delta";
    public const string LmHeadDelta = Prefix + "lm_head.token_adapter.trainable_tokens_delta";

    /// <param name="block">self_attn or mlp</param>
    public static string Module(int layer, string block, string projection) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}model.layers.{layer}.{block}.{projection}");

    public static string LoraA(string module) => module + ".lora_A.weight";
    public static string LoraB(string module) => module + ".lora_B.weight";
}
