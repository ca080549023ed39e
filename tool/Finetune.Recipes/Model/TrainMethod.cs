namespace Finetune.Recipes;

/// <summary>What trains (<c>train.method</c>).</summary>
public enum TrainMethod
{
    /// <summary>Every weight.</summary>
    Full,

    /// <summary>Low-rank adapters over a frozen base (<c>train.lora</c>).</summary>
    Lora,
}
