using static TorchSharp.torch;

namespace Finetune.Torch.Models;

/// <summary>
/// Keys and values of past positions for every layer, preallocated to <see cref="Capacity"/> positions
/// (<c>(B, kv_heads, capacity, head_dim)</c> per layer) and filled in place.
/// </summary>
public sealed class KvCache : IDisposable
{
    private readonly Tensor[] _keys;
    private readonly Tensor[] _values;

    public KvCache(ModelConfig config, long batch, long capacity, ScalarType dtype, Device? device = null)
    {
        Capacity = capacity;
        _keys = new Tensor[config.NumHiddenLayers];
        _values = new Tensor[config.NumHiddenLayers];
        for (int i = 0; i < config.NumHiddenLayers; i++)
        {
            _keys[i] = zeros([batch, config.KeyValueHeads, capacity, config.HeadDim], dtype, device);
            _values[i] = zeros([batch, config.KeyValueHeads, capacity, config.HeadDim], dtype, device);
        }
    }

    public long Capacity { get; }

    /// <summary>Positions already stored (the offset of the next token).</summary>
    public long Length { get; private set; }

    /// <summary>Stores <c>(B, kv, T, hd)</c> keys and values after the past ones; returns all of them so far.</summary>
    public (Tensor Keys, Tensor Values) Update(int layer, Tensor keys, Tensor values)
    {
        long t = keys.shape[2];
        if (Length + t > Capacity)
            throw new InvalidOperationException($"KV cache holds {Capacity} positions; {Length} used, {t} more asked");
        using (no_grad())
        {
            _keys[layer].narrow(2, Length, t).copy_(keys);
            _values[layer].narrow(2, Length, t).copy_(values);
        }
        return (_keys[layer].narrow(2, 0, Length + t), _values[layer].narrow(2, 0, Length + t));
    }

    /// <summary>Called once per forward, after every layer stored its <paramref name="tokens"/> new positions.</summary>
    public void Advance(long tokens) => Length += tokens;

    public void Dispose()
    {
        foreach (var t in _keys.Concat(_values)) t.Dispose();
    }
}
