namespace Finetune.Recipes;

/// <summary>Where tensors live (<c>model.device</c>).</summary>
public enum ModelDevice
{
    /// <summary>CUDA when available, else CPU.</summary>
    Auto,

    /// <summary>Always the CPU.</summary>
    Cpu,

    /// <summary>Always CUDA; an error when no GPU is present.</summary>
    Cuda,
}
