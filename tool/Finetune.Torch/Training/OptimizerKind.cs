namespace Finetune.Torch.Training;

/// <summary>The recipe's <c>train.optimizer</c>: <c>adamw</c> or <c>adamw_8bit</c>.</summary>
public enum OptimizerKind
{
    AdamW,
    AdamW8bit,
}
