namespace Finetune.Recipes;

/// <summary>Which tokens count in the loss (<c>data.loss_on</c>).</summary>
public enum LossOn
{
    /// <summary>Only the assistant turns.</summary>
    Assistant,

    /// <summary>Every token except padding.</summary>
    All,
}
