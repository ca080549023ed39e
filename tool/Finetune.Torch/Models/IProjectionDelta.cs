using static TorchSharp.torch;

namespace Finetune.Torch.Models;

/// <summary>
/// An update added to one projection's output (a LoRA pair). Adapters live outside the module tree, so the
/// model's state-dict names stay Hugging Face's and a frozen base is loaded and saved as usual.
/// </summary>
public interface IProjectionDelta
{
    /// <param name="x">(B, T, in) in the model dtype</param>
    /// <returns>(B, T, out) in <paramref name="x"/>'s dtype, added to the projection's output</returns>
    Tensor forward(Tensor x);
}
