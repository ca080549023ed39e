using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Finetune.Torch.Models;

namespace Finetune.Torch.Training.Lora;

/// <summary>
/// One LoRA pair on a frozen projection: <c>scaling * B A dropout(x)</c>, A (rank, in) Kaiming-uniform with
/// a = sqrt(5) (bound 1/sqrt(in)) and B (out, rank) zero, as PEFT initialises them, so training starts at the
/// base model. A and B are fp32; the product runs in the input's dtype (as under autocast).
/// </summary>
internal sealed class LoraLinear : IProjectionDelta, IDisposable
{
    private readonly LoraAdapter owner;

    public LoraLinear(LoraAdapter owner, Linear layer, int rank, double scaling, double dropout, Generator generator)
    {
        this.owner = owner;
        Layer = layer;
        Scaling = scaling;
        Dropout = dropout;
        long inputs = layer.weight!.shape[1], outputs = layer.weight!.shape[0];
        var device = layer.weight!.device;
        double bound = 1.0 / Math.Sqrt(inputs);   // kaiming_uniform_(a=sqrt(5)): gain sqrt(1/3), bound gain*sqrt(3/fan_in)
        using var init = empty([rank, inputs], ScalarType.Float32).uniform_(-bound, bound, generator);
        A = new Parameter(init.to(device).DetachFromDisposeScope());
        B = new Parameter(zeros([outputs, rank], ScalarType.Float32, device).DetachFromDisposeScope());
    }

    /// <summary>The frozen projection this pair adds to.</summary>
    public Linear Layer { get; }

    public Parameter A { get; }
    public Parameter B { get; }
    public double Scaling { get; }
    public double Dropout { get; }

    public Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = x;
        if (Dropout > 0 && (is_grad_enabled() || CheckpointedLayer.InTrainingForward))   // training: recorded, or a checkpointed block's first pass
        {
            var keep = empty_like(x).bernoulli_(1 - Dropout, owner.DropoutGenerator);
            h = x * keep / (1 - Dropout);
        }
        var y = nn.functional.linear(nn.functional.linear(h, A.to(x.dtype)), B.to(x.dtype));   // (B, T, out)
        return y.mul_(Scaling).MoveToOuterDisposeScope();
    }

    /// <summary>W += scaling * B A, summed in fp32 and rounded once into W's dtype.</summary>
    public void MergeIntoLayer()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var weight = Layer.weight!;
        var merged = weight.to(ScalarType.Float32).add_(B.matmul(A), Scaling);
        weight.copy_(merged);
    }

    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
    }
}
