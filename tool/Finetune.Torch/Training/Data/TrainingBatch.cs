using static TorchSharp.torch;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Training.Data;

/// <summary>
/// One micro-batch as tensors on the training device. Sequences are right-padded with the pad id; padding
/// never carries loss. Unpacked batches need no attention mask: with right padding and causal attention a
/// real token at position i only sees keys 0..i, all real, so pad keys are visible to pad queries only
/// (whose outputs carry no loss). Packed batches carry positions restarting at 0 per row and a
/// block-diagonal causal mask (B, 1, T, T) so no token sees another row.
/// </summary>
public sealed class TrainingBatch : IDisposable
{
    private TrainingBatch(Tensor ids, Tensor lossMask, Tensor? positions, Tensor? attentionMask, long tokens, long lossTokens)
    {
        Ids = ids;
        LossMask = lossMask;
        Positions = positions;
        AttentionMask = attentionMask;
        Tokens = tokens;
        LossTokens = lossTokens;
    }

    /// <summary>(B, T) int64 token ids.</summary>
    public Tensor Ids { get; }

    /// <summary>(B, T) bool: position i is a target predicted from position i-1 of the same row.</summary>
    public Tensor LossMask { get; }

    /// <summary>(B, T) int64 RoPE positions (packed only).</summary>
    public Tensor? Positions { get; }

    /// <summary>(B, 1, T, T) bool, true = may attend (packed only).</summary>
    public Tensor? AttentionMask { get; }

    /// <summary>Real (non-padding) tokens.</summary>
    public long Tokens { get; }

    public long LossTokens { get; }

    /// <summary>Reads the rows of <paramref name="sequences"/> (each a list of rows concatenated) from the shard.</summary>
    public static TrainingBatch Collate(TokenShard shard, IReadOnlyList<int[]> sequences, int padId, Device device)
    {
        int b = sequences.Count;
        int t = sequences.Max(s => s.Sum(shard.RowLength));
        bool packed = sequences.Any(s => s.Length > 1);
        var ids = new long[b * t];
        var mask = new bool[b * t];
        var positions = new long[b * t];
        var segments = new int[b * t];
        Array.Fill(ids, padId);
        Array.Fill(segments, -1);
        long tokens = 0, lossTokens = 0;
        for (int i = 0; i < b; i++)
        {
            int at = i * t, segment = 0;
            foreach (int row in sequences[i])
            {
                var (rowIds, rowMask) = shard.ReadRow(row);
                for (int j = 0; j < rowIds.Length; j++)
                {
                    ids[at + j] = rowIds[j];
                    mask[at + j] = j > 0 && rowMask[j] == 1;   // a row's first token is never predicted across rows
                    positions[at + j] = j;
                    segments[at + j] = segment;
                    if (mask[at + j]) lossTokens++;
                }
                at += rowIds.Length;
                tokens += rowIds.Length;
                segment++;
            }
        }
        using var scope = NewDisposeScope();
        var idsTensor = tensor(ids, [b, t]).to(device);
        var maskTensor = tensor(mask, [b, t]).to(device);
        Tensor? positionsTensor = null, attention = null;
        if (packed)
        {
            positionsTensor = tensor(positions, [b, t]).to(device);
            var seg = tensor(segments, [b, t]).to(device);
            var causal = ones(t, t, ScalarType.Bool, device).tril();                         // (T, T)
            attention = seg.unsqueeze(2).eq(seg.unsqueeze(1)).logical_and(causal).unsqueeze(1); // (B, 1, T, T)
            positionsTensor.MoveToOuterDisposeScope();
            attention.MoveToOuterDisposeScope();
        }
        return new TrainingBatch(idsTensor.MoveToOuterDisposeScope(), maskTensor.MoveToOuterDisposeScope(), positionsTensor, attention, tokens, lossTokens);
    }

    public void Dispose()
    {
        Ids.Dispose();
        LossMask.Dispose();
        Positions?.Dispose();
        AttentionMask?.Dispose();
    }
}
