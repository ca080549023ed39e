using static TorchSharp.torch;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;

namespace Finetune.Torch.Training.Loop;

/// <summary>
/// Gradient accumulation with the loss of the effective batch defined as
/// (sum over micro-batches of summed token losses) / (loss tokens in the whole effective batch), not the mean
/// of per-micro-batch means. Count the effective batch's loss tokens first, then for each micro-batch:
/// <code>
/// var acc = new GradientAccumulator(totalLossTokens);
/// foreach (var micro in microBatches)
///     using (var sum = MaskedCrossEntropy.NextTokenSum(model.forward(micro.Ids), micro.Ids, micro.Mask))
///         acc.Backward(sum);           // backward of sum / totalLossTokens; gradients add up
/// GradientClipping.ClipByGlobalNorm(parameters, maxGradNorm); optimizer.Step(); optimizer.ZeroGrad();
/// log(acc.Loss);                       // mean token loss of the effective batch
/// </code>
/// </summary>
public sealed class GradientAccumulator
{
    private readonly long totalLossTokens;
    private double lossSum;

    public GradientAccumulator(long totalLossTokens)
    {
        if (totalLossTokens <= 0)
            throw new ArgumentOutOfRangeException(nameof(totalLossTokens), totalLossTokens, "an effective batch needs at least one loss token");
        this.totalLossTokens = totalLossTokens;
    }

    /// <summary>Mean loss per loss token over the micro-batches passed so far (the effective batch's loss once all are in).</summary>
    public double Loss => lossSum / totalLossTokens;

    /// <summary>Runs backward on <paramref name="summedLoss"/> / total loss tokens, adding into the parameters' gradients.</summary>
    public void Backward(Tensor summedLoss)
    {
        using var scope = NewDisposeScope();
        lossSum += summedLoss.detach().to(float64).item<double>();
        (summedLoss / (double)totalLossTokens).backward();
    }
}
