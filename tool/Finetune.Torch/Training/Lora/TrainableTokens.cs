using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Finetune.Torch.Models;

namespace Finetune.Torch.Training.Lora;

/// <summary>
/// Trainable values for the added tokens' rows over frozen matrices, as PEFT's trainable tokens: fp32 copies of
/// rows [first, first + count) of the embedding (and of an untied head); the lookup and the head's columns for
/// those ids use them. A tied head uses the embedding's rows: one set, trained once.
/// </summary>
internal sealed class TrainableTokens : ITokenRows, IDisposable
{
    public TrainableTokens(CausalLM model, int first, int count)
    {
        First = first;
        Count = count;
        using var noGrad = no_grad();
        Embed = new Parameter(model.model.embed_tokens.weight!.narrow(0, first, count).to(ScalarType.Float32, copy: true).DetachFromDisposeScope());
        Head = model.lm_head is null ? null
            : new Parameter(model.lm_head.weight!.narrow(0, first, count).to(ScalarType.Float32, copy: true).DetachFromDisposeScope());
    }

    public int First { get; }
    public int Count { get; }

    /// <summary>The embedding's new rows (count, hidden), fp32; also the head's when it is tied.</summary>
    public Parameter Embed { get; }

    /// <summary>An untied head's new rows (count, hidden), fp32; null when tied.</summary>
    public Parameter? Head { get; }

    Tensor ITokenRows.Embed(Tensor ids, Tensor embedded)
    {
        using var scope = NewDisposeScope();
        var local = ids - First;                                                         // (B, T)
        var isNew = local.ge(0).logical_and_(local.lt(Count)).unsqueeze(-1);              // (B, T, 1)
        var rows = Embed.to(embedded.dtype).index_select(0, local.clamp(0, Count - 1).flatten()).view(embedded.shape); // (B, T, hidden)
        return where(isNew, rows, embedded).MoveToOuterDisposeScope();
    }

    public Tensor Logits(Tensor hidden, Tensor logits)
    {
        using var scope = NewDisposeScope();
        long vocab = logits.shape[^1];
        var rows = (Head ?? Embed).to(hidden.dtype);
        var columns = nn.functional.linear(hidden, rows).to(logits.dtype);               // (B, T, count)
        var result = cat([logits.narrow(-1, 0, First), columns, logits.narrow(-1, First + Count, vocab - First - Count)], -1);
        return result.MoveToOuterDisposeScope();
    }

    public Tensor OutputWeight(Tensor weight)
    {
        using var scope = NewDisposeScope();
        long vocab = weight.shape[0];
        var rows = (Head ?? Embed).to(weight.dtype);
        return cat([weight.narrow(0, 0, First), rows, weight.narrow(0, First + Count, vocab - First - Count)], 0).MoveToOuterDisposeScope();
    }

    /// <summary>Writes the rows into the model's matrices (the merged model).</summary>
    public void MergeInto(CausalLM model)
    {
        using var noGrad = no_grad();
        model.model.embed_tokens.weight!.narrow(0, First, Count).copy_(Embed);
        if (model.lm_head is not null && Head is not null) model.lm_head.weight!.narrow(0, First, Count).copy_(Head);
    }

    public void Dispose()
    {
        Embed.Dispose();
        Head?.Dispose();
    }
}
