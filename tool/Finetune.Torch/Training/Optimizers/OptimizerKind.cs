using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Training.Optimizers;

/// <summary>The recipe's <c>train.optimizer</c>: <c>adamw</c> or <c>adamw_8bit</c>.</summary>
public enum OptimizerKind
{
    AdamW,
    AdamW8bit,
}
