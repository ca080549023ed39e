using TorchSharp;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Training.Optimizers;

/// <summary>
/// What the trainer needs from an optimizer: a settable learning rate, a step, and named state tensors
/// for checkpoints (saving them and loading them back makes a resumed run bit-identical).
/// </summary>
public interface ITrainingOptimizer : IDisposable
{
    /// <summary>The learning rate the next <see cref="Step"/> uses (the trainer sets base lr x schedule multiplier).</summary>
    double LearningRate { get; set; }

    /// <summary>Updates every parameter that has a gradient; parameters without one keep their state and step count.</summary>
    void Step();

    /// <summary>Drops all gradients (sets them to none, as torch's <c>zero_grad(set_to_none=True)</c>).</summary>
    void ZeroGrad();

    /// <summary>
    /// The state as named tensors (<c>{parameter}.step</c>, <c>{parameter}.exp_avg</c>, ...). The tensors are
    /// the optimizer's own (no copies): write them out, do not dispose or modify them.
    /// </summary>
    IReadOnlyDictionary<string, torch.Tensor> StateDict();

    /// <summary>Copies saved state into this optimizer; every name it expects must be present with the same shape and dtype.</summary>
    void LoadStateDict(IReadOnlyDictionary<string, torch.Tensor> state);
}
