using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Finetune.Torch.Models;

/// <summary>SwiGLU feed-forward: <c>down_proj(silu(gate_proj(x)) * up_proj(x))</c> (biases with Llama's <c>mlp_bias</c>).</summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    public Linear gate_proj;
    public Linear up_proj;
    public Linear down_proj;

    public Mlp(ModelConfig config, ScalarType dtype, Device? device, bool initialize = true) : base(nameof(Mlp))
    {
        bool bias = config.Family.ReadsMlpBias && config.MlpBias;
        gate_proj = Layers.Linear(config.HiddenSize, config.IntermediateSize, dtype, device, initialize, bias);
        up_proj = Layers.Linear(config.HiddenSize, config.IntermediateSize, dtype, device, initialize, bias);
        down_proj = Layers.Linear(config.IntermediateSize, config.HiddenSize, dtype, device, initialize, bias);
        RegisterComponents();
    }

    /// <summary>Updates added to the projections' outputs by projection name (LoRA); null = none. Not in the state dict.</summary>
    public IReadOnlyDictionary<string, IProjectionDelta>? Deltas { get; set; }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = nn.functional.silu(ProjectionDeltas.Apply(gate_proj, Deltas, "gate_proj", x)) * ProjectionDeltas.Apply(up_proj, Deltas, "up_proj", x);   // (B, T, intermediate)
        return ProjectionDeltas.Apply(down_proj, Deltas, "down_proj", h).MoveToOuterDisposeScope();
    }
}
