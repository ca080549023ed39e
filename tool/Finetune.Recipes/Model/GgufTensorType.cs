namespace Finetune.Recipes;

/// <summary>Tensor type of an exported .gguf file (<c>export.gguf.type</c>), llama.cpp's file types.</summary>
public enum GgufTensorType
{
    /// <summary>32-bit float (llama.cpp ALL_F32).</summary>
    F32,

    /// <summary>IEEE half precision (MOSTLY_F16).</summary>
    F16,

    /// <summary>bfloat16 (MOSTLY_BF16).</summary>
    Bf16,

    /// <summary>8-bit blocks of 32 with an fp16 scale (MOSTLY_Q8_0).</summary>
    [RecipeName("q8_0")]
    Q8_0,
}
