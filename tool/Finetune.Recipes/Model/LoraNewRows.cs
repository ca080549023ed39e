namespace Finetune.Recipes;

/// <summary>What happens to the added tokens' rows under LoRA (<c>train.lora.new_rows</c>).</summary>
public enum LoraNewRows
{
    /// <summary>They train (over the frozen matrices; one set when the head is tied), as PEFT's trainable_token_indices.</summary>
    Train,

    /// <summary>They keep their seeded values.</summary>
    Frozen,
}
