namespace Finetune.Recipes;

/// <summary>A projection that gets a LoRA pair (<c>train.lora.targets</c>).</summary>
public enum LoraTarget
{
    /// <summary>Every linear layer of the decoder blocks (not the head), as PEFT's shorthand.</summary>
    [RecipeName("all-linear")]
    AllLinear,

    /// <summary>Attention query projection.</summary>
    [RecipeName("q_proj")]
    QProj,

    /// <summary>Attention key projection.</summary>
    [RecipeName("k_proj")]
    KProj,

    /// <summary>Attention value projection.</summary>
    [RecipeName("v_proj")]
    VProj,

    /// <summary>Attention output projection.</summary>
    [RecipeName("o_proj")]
    OProj,

    /// <summary>MLP gate projection.</summary>
    [RecipeName("gate_proj")]
    GateProj,

    /// <summary>MLP up projection.</summary>
    [RecipeName("up_proj")]
    UpProj,

    /// <summary>MLP down projection.</summary>
    [RecipeName("down_proj")]
    DownProj,
}
