using TorchSharp.Modules;
using static TorchSharp.torch;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;

namespace Finetune.Torch.Training.Loop;

/// <summary>
/// The <c>freeze</c> phase: only token rows &gt;= the first new row of the embedding (and of an untied head)
/// train. Other parameters lose their gradients before the step, so the optimizer skips them (state and
/// step count untouched); the old rows' gradients are zeroed, and because weight decay would still shrink
/// them, their values are copied before the step and written back after it: bit-identical while frozen.
/// </summary>
internal sealed class NewRowFreeze : IDisposable
{
    public const string EmbeddingName = "model.embed_tokens.weight";
    public const string HeadName = "lm_head.weight";

    private readonly Parameter[] matrices;
    private readonly Parameter[] others;
    private readonly long firstNewRow;
    private Tensor[]? saved;

    /// <param name="parameters">the trainer's named parameters (TorchSharp hands out a new wrapper per
    /// property read, so parameters are matched by their Hugging Face name, not by object)</param>
    public NewRowFreeze(IReadOnlyList<(string Name, Parameter P)> parameters, long firstNewRow)
    {
        bool IsMatrix(string name) => name is EmbeddingName or HeadName;
        matrices = parameters.Where(p => IsMatrix(p.Name)).Select(p => p.P).ToArray();
        others = parameters.Where(p => !IsMatrix(p.Name)).Select(p => p.P).ToArray();
        if (matrices.Length == 0) throw new ArgumentException($"no parameter named {EmbeddingName}", nameof(parameters));
        if (firstNewRow >= matrices[0].shape[0])
            throw new ArgumentOutOfRangeException(nameof(firstNewRow), firstNewRow, $"the embedding has {matrices[0].shape[0]} rows, none of them new");
        this.firstNewRow = firstNewRow;
    }

    /// <summary>Call after backward, before clipping: drops the gradients of everything frozen.</summary>
    public void MaskGradients()
    {
        using var noGrad = no_grad();
        saved ??= matrices.Select(m => m.narrow(0, 0, firstNewRow).clone().DetachFromDisposeScope()).ToArray();
        foreach (var p in others) p.grad = null;
        foreach (var m in matrices)
            m.grad?.narrow(0, 0, firstNewRow).zero_();
    }

    /// <summary>Call after the optimizer step: the old rows get their saved values back.</summary>
    public void RestoreOldRows()
    {
        if (saved is null) return;
        using var noGrad = no_grad();
        for (int i = 0; i < matrices.Length; i++) matrices[i].narrow(0, 0, firstNewRow).copy_(saved[i]);
    }

    public void Dispose()
    {
        if (saved is null) return;
        foreach (var t in saved) t.Dispose();
        saved = null;
    }
}
