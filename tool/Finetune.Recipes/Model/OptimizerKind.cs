namespace Finetune.Recipes;

/// <summary>Optimizer (<c>train.optimizer</c>).</summary>
public enum OptimizerKind
{
    /// <summary>AdamW with fp32 state.</summary>
    Adamw,

    /// <summary>AdamW with 8-bit block-quantized state.</summary>
    [RecipeName("adamw_8bit")]
    Adamw8bit,
}
