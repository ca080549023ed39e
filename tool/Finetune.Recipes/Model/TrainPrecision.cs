namespace Finetune.Recipes;

/// <summary>Compute precision of training (<c>train.precision</c>).</summary>
public enum TrainPrecision
{
    /// <summary>bf16 on CUDA, fp32 on CPU.</summary>
    Auto,

    /// <summary>32-bit float.</summary>
    Fp32,

    /// <summary>bfloat16.</summary>
    Bf16,
}
