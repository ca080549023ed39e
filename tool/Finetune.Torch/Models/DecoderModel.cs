using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Finetune.Torch.Models;

/// <summary>
/// The decoder stack: <c>embed_tokens</c>, <c>layers</c>, final <c>norm</c>; returns hidden states. Each layer
/// gets the full causal mask or, for a sliding-window layer, the banded one.
/// </summary>
public sealed class DecoderModel : nn.Module
{
    private readonly Rope _rope;
    private readonly int? _window;

    public Embedding embed_tokens;
    public ModuleList<DecoderLayer> layers;
    public RmsNorm norm;

    public DecoderModel(ModelConfig config, ScalarType dtype, Device? device, bool initialize = true) : base(nameof(DecoderModel))
    {
        _rope = new Rope(config);
        _window = config.EffectiveSlidingWindow;
        embed_tokens = Layers.Embedding(config.VocabSize, config.HiddenSize, dtype, device, initialize);
        layers = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(i => new DecoderLayer(config, i, dtype, device, initialize)).ToArray());
        norm = new RmsNorm(config.HiddenSize, config.RmsNormEps, dtype, device);
        RegisterComponents();
    }

    /// <summary>Replacement values for a block of embedding rows (trainable new rows over a frozen matrix); null = none.</summary>
    public ITokenRows? TokenRows { get; set; }

    /// <summary>
    /// Keep only each block's input during a training forward and recompute the block in backward
    /// (<see cref="CheckpointedLayer"/>): activation memory of one tensor per block, about a third more compute.
    /// </summary>
    public bool GradientCheckpointing { get; set; }

    /// <summary>The generator the blocks draw training randomness from (LoRA dropout), replayed by a checkpointed block's recomputation; null = none.</summary>
    public Generator? BlockGenerator { get; set; }

    /// <param name="inputIds">(B, T) token ids</param>
    /// <param name="cache">past keys/values; advanced by T</param>
    /// <param name="attentionMask">(B, S) 1 = real token, 0 = padding, over past and new positions; or a
    /// ready bool (B|1, 1, T, S) mask (true = may attend), e.g. block-diagonal for packed sequences</param>
    /// <param name="positions">(T) or (B, T) positions; default past length .. past length + T - 1</param>
    /// <returns>(B, T, hidden)</returns>
    public Tensor forward(Tensor inputIds, KvCache? cache = null, Tensor? attentionMask = null, Tensor? positions = null)
    {
        using var scope = NewDisposeScope();
        long t = inputIds.shape[1], past = cache?.Length ?? 0;
        var x = embed_tokens.forward(inputIds);                                        // (B, T, hidden)
        if (TokenRows is { } rows) x = rows.Embed(inputIds, x);
        positions ??= arange(past, past + t, ScalarType.Int64, inputIds.device);
        var (cos, sin) = _rope.Compute(positions, x.dtype);
        var full = Mask(t, past, attentionMask, inputIds.device, window: null);
        var sliding = _window is int w ? Mask(t, past, attentionMask, inputIds.device, w) : null;
        bool checkpoint = GradientCheckpointing && cache is null && is_grad_enabled() && x.requires_grad;
        foreach (var layer in layers)
        {
            var mask = layer.self_attn.Window is null ? full : sliding;
            x = checkpoint ? CheckpointedLayer.apply(x, layer, cos, sin, mask, BlockGenerator) : layer.forward(x, cos, sin, mask, cache);
        }
        cache?.Advance(t);
        return norm.forward(x).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Null when SDPA's own causal flag (or no mask, for one new token) is right. A window <c>w</c> lets the
    /// query at cache index i see keys i − w &lt; j ≤ i (transformers' <c>sliding_window_overlay</c>); it
    /// changes nothing while the cache holds at most <c>w</c> positions.
    /// </summary>
    private static Tensor? Mask(long t, long past, Tensor? attentionMask, Device device, int? window)
    {
        long s = past + t;
        var band = window is int w && s > w
            ? ones(t, s, ScalarType.Bool, device).triu(past - w + 1).view(1, 1, t, s)  // j > i − w
            : null;
        if (attentionMask is { } given && given.dim() == 4)
            return band is null ? given.to_type(ScalarType.Bool) : given.to_type(ScalarType.Bool).logical_and(band);
        if (attentionMask is null && band is null && (past == 0 || t == 1)) return null;
        var mask = ones(t, s, ScalarType.Bool, device).tril(past).view(1, 1, t, s);     // j <= i + past
        if (band is not null) mask = mask.logical_and(band);
        if (attentionMask is null) return mask;
        var keep = attentionMask.to_type(ScalarType.Bool).view(-1, 1, 1, s);          // (B, 1, 1, S)
        var self = eye(t, s, ScalarType.Bool, device).roll(past, 1).view(1, 1, t, s);  // a query always sees itself,
        return mask.logical_and(keep).logical_or(self);                                // so padded rows are not all -inf
    }
}
