namespace Finetune.Recipes;

/// <summary>Floating-point type of weights (<c>model.dtype</c>, <c>export.dtype</c>).</summary>
public enum ModelDtype
{
    /// <summary>32-bit float.</summary>
    Fp32,

    /// <summary>bfloat16.</summary>
    Bf16,

    /// <summary>IEEE half precision.</summary>
    F16,
}
