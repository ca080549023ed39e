using Finetune.Torch.IO;
using Finetune.Torch.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Finetune.Torch.Training.Lora;

/// <summary>
/// LoRA on a <see cref="CausalLM"/>: every base weight frozen (no gradients, so no optimizer state; it may stay
/// bf16), a pair A/B on each targeted projection of each layer, and, with <see cref="LoraOptions.TrainNewRows"/>,
/// trainable rows for the added tokens. The trainable tensors carry PEFT's saved names
/// (<see cref="PeftNames"/>), which are also their checkpoint and optimizer-state names.
/// <see cref="Merge"/> folds everything into the base weights and detaches, leaving a plain model.
/// </summary>
public sealed class LoraAdapter : IDisposable
{
    private readonly CausalLM model;
    private readonly List<(string Name, LoraLinear Pair)> pairs = [];
    private TrainableTokens? tokens;
    private bool attached;

    private LoraAdapter(CausalLM model, LoraOptions options)
    {
        this.model = model;
        Options = options;
        DropoutGenerator = new Generator(options.Seed);
    }

    public LoraOptions Options { get; }

    /// <summary>Draws the dropout masks; reseeded per optimizer step by <see cref="BeginStep"/>.</summary>
    internal Generator DropoutGenerator { get; }

    /// <summary>What the optimizer trains, by PEFT name: lora_A and lora_B of each pair, then the new rows.</summary>
    public List<(string Name, Parameter P)> Parameters { get; } = [];

    /// <summary>Freezes <paramref name="model"/> and attaches fresh pairs (A random, B zero: the model's outputs are unchanged).</summary>
    public static LoraAdapter Attach(CausalLM model, LoraOptions options)
    {
        options.Validate();
        if (options.NewRowCount > 0 && options.FirstNewRow + options.NewRowCount > model.Config.VocabSize)
            throw new ArgumentException($"new rows {options.FirstNewRow}..{options.FirstNewRow + options.NewRowCount - 1} are outside the model's {model.Config.VocabSize} rows", nameof(options));
        foreach (var p in model.parameters()) p.requires_grad_(false);
        var adapter = new LoraAdapter(model, options);
        adapter.Build();
        return adapter;
    }

    private void Build()
    {
        using var generator = new Generator(Options.Seed);
        var targets = Options.TargetModules;
        for (int i = 0; i < model.model.layers.Count; i++)
        {
            var layer = model.model.layers[i];
            var attention = new Dictionary<string, IProjectionDelta>(StringComparer.Ordinal);
            var mlp = new Dictionary<string, IProjectionDelta>(StringComparer.Ordinal);
            foreach (var target in targets)
            {
                var (linear, block, into) = target switch
                {
                    "q_proj" => (layer.self_attn.q_proj, "self_attn", attention),
                    "k_proj" => (layer.self_attn.k_proj, "self_attn", attention),
                    "v_proj" => (layer.self_attn.v_proj, "self_attn", attention),
                    "o_proj" => (layer.self_attn.o_proj, "self_attn", attention),
                    "gate_proj" => (layer.mlp.gate_proj, "mlp", mlp),
                    "up_proj" => (layer.mlp.up_proj, "mlp", mlp),
                    _ => (layer.mlp.down_proj, "mlp", mlp),
                };
                var pair = new LoraLinear(this, linear, Options.Rank, Options.Scaling, Options.Dropout, generator);
                var module = PeftNames.Module(i, block, target);
                pairs.Add((module, pair));
                Parameters.Add((PeftNames.LoraA(module), pair.A));
                Parameters.Add((PeftNames.LoraB(module), pair.B));
                into[target] = pair;
            }
            layer.self_attn.Deltas = attention.Count > 0 ? attention : null;
            layer.mlp.Deltas = mlp.Count > 0 ? mlp : null;
        }
        if (Options.TrainNewRows && Options.NewRowCount > 0)
        {
            var rows = new TrainableTokens(model, Options.FirstNewRow, Options.NewRowCount);
            Parameters.Add((PeftNames.EmbedTokensDelta, rows.Embed));
            if (rows.Head is not null) Parameters.Add((PeftNames.LmHeadDelta, rows.Head));
            model.TokenRows = rows;
            tokens = rows;
        }
        model.model.BlockGenerator = DropoutGenerator;       // checkpointed blocks replay the masks in backward
        attached = true;
    }

    /// <summary>Number of trainable values.</summary>
    public long TrainableCount => Parameters.Sum(p => p.P.numel());

    /// <summary>Dropout masks of step <paramref name="step"/> depend on the seed and the step only, so a resumed run draws the same ones.</summary>
    public void BeginStep(long step) => DropoutGenerator.manual_seed((long)(Options.Seed * 0x9E3779B97F4A7C15UL ^ (ulong)step));

    /// <summary>The trainable tensors by name (checkpoint weights).</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> Named() =>
        Parameters.Select(p => new KeyValuePair<string, Tensor>(p.Name, p.P));

    /// <summary>Reads every trainable tensor from a checkpoint written from <see cref="Named"/>; names and shapes must match.</summary>
    public void Load(ITensorSource source)
    {
        foreach (var (name, p) in Parameters)
        {
            if (!source.Contains(name)) throw new CheckpointException(source.Path, $"missing LoRA tensor '{name}' (written with other LoRA settings?)");
            if (!source.ShapeOf(name).SequenceEqual(p.shape))
                throw new CheckpointException(source.Path, $"LoRA tensor '{name}' has shape [{string.Join(", ", source.ShapeOf(name))}], expected [{string.Join(", ", p.shape)}]");
        }
        using var noGrad = no_grad();
        foreach (var (name, p) in Parameters) source.CopyTo(name, p);
    }

    /// <summary>
    /// The adapter's tensors with PEFT's names, fp32 copies: lora_A/lora_B per pair and the added tokens' rows as
    /// trainable-tokens deltas (from the trained rows, or, when they were frozen, the model's seeded rows) —
    /// what <c>adapter_model.safetensors</c> holds.
    /// </summary>
    public List<KeyValuePair<string, Tensor>> PeftTensors()
    {
        using var noGrad = no_grad();
        var result = pairs.SelectMany(p => new[]
        {
            new KeyValuePair<string, Tensor>(PeftNames.LoraA(p.Name), p.Pair.A.detach().to(ScalarType.Float32, copy: true)),
            new KeyValuePair<string, Tensor>(PeftNames.LoraB(p.Name), p.Pair.B.detach().to(ScalarType.Float32, copy: true)),
        }).ToList();
        if (Options.NewRowCount > 0)
        {
            var (first, count) = (Options.FirstNewRow, Options.NewRowCount);
            var embed = tokens?.Embed ?? model.model.embed_tokens.weight!.narrow(0, first, count);
            result.Add(new(PeftNames.EmbedTokensDelta, embed.detach().to(ScalarType.Float32, copy: true)));
            if (model.lm_head is not null)
            {
                var head = tokens?.Head ?? model.lm_head.weight!.narrow(0, first, count);
                result.Add(new(PeftNames.LmHeadDelta, head.detach().to(ScalarType.Float32, copy: true)));
            }
        }
        return result;
    }

    /// <summary>
    /// Folds the adapter into the model (W + scaling * B A on each target, the trained rows into the matrices),
    /// detaches it and makes the base weights trainable again: the model then computes what the adapter did.
    /// Call <see cref="PeftTensors"/> before, if the adapter is wanted too.
    /// </summary>
    public void Merge()
    {
        if (!attached) throw new InvalidOperationException("the adapter is already merged");
        foreach (var (_, pair) in pairs) pair.MergeIntoLayer();
        tokens?.MergeInto(model);
        Detach();
    }

    private void Detach()
    {
        if (!attached) return;
        foreach (var layer in model.model.layers)
        {
            layer.self_attn.Deltas = null;
            layer.mlp.Deltas = null;
        }
        model.TokenRows = null;
        model.model.BlockGenerator = null;
        foreach (var p in model.parameters()) p.requires_grad_(true);
        attached = false;
    }

    public void Dispose()
    {
        Detach();
        foreach (var (_, pair) in pairs) pair.Dispose();
        tokens?.Dispose();
        DropoutGenerator.Dispose();
    }
}
