using Finetune.Torch.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Finetune.Torch.Inference;

/// <summary>Continues a prompt token by token with a KV cache: greedy or temperature/top-p sampling.</summary>
public static class Generator
{
    /// <summary>The new token ids (prompt excluded); <paramref name="onToken"/> sees each as it is chosen.</summary>
    public static IReadOnlyList<int> Generate(CausalLM model, IReadOnlyList<int> prompt, GenerationOptions options, Action<int>? onToken = null)
    {
        if (prompt.Count == 0) throw new ArgumentException("the prompt needs at least one token", nameof(prompt));
        if (options.Temperature < 0) throw new ArgumentOutOfRangeException(nameof(options), "temperature must be >= 0");
        if (options.TopP is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(options), "top_p must be in (0, 1]");
        using var _ = no_grad();
        var device = model.OutputWeight.device;
        using var sampler = new torch.Generator((ulong)(options.Seed ?? 0), device);
        using var cache = options.UseCache ? new KvCache(model.Config, 1, prompt.Count + options.MaxNewTokens, model.DType, device) : null;
        var sequence = prompt.ToList();
        var produced = new List<int>();
        var eos = options.EosTokenIds.ToHashSet();
        while (produced.Count < options.MaxNewTokens)
        {
            using var scope = NewDisposeScope();
            var fresh = cache is null ? sequence : sequence.Skip((int)cache.Length).ToList();
            var input = tensor(fresh.Select(i => (long)i).ToArray(), device: device).unsqueeze(0);    // (1, T)
            var logits = model.forward(input, cache).select(1, -1).squeeze(0).to_type(ScalarType.Float32); // (V)
            int next = options.Temperature == 0 ? (int)logits.argmax().item<long>() : Sample(logits, options.Temperature, options.TopP, sampler);
            sequence.Add(next);
            produced.Add(next);
            onToken?.Invoke(next);
            if (eos.Contains(next)) break;
        }
        return produced;
    }

    /// <summary>softmax(logits / T), cut to the top-p nucleus (at least one token), one multinomial draw.</summary>
    internal static int Sample(Tensor logits, double temperature, double topP, torch.Generator sampler)
    {
        using var scope = NewDisposeScope();
        var probs = (logits / temperature).softmax(-1);
        if (topP < 1)
        {
            var (sorted, order) = probs.sort(descending: true);
            var before = sorted.cumsum(0) - sorted;                                    // mass of higher-ranked tokens
            var keep = before < topP;                                           // the top token always stays
            var kept = sorted.masked_fill(keep.logical_not(), 0);
            probs = zeros_like(probs).scatter(0, order, kept);
        }
        return (int)probs.multinomial(1, generator: sampler).item<long>();
    }
}
