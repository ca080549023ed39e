using Finetune.Torch.Models;
using static TorchSharp.torch;

namespace Finetune.Torch.Seeding;

/// <summary>The probability of given tokens as the next token after a prompt (softmax over real rows, in float32).</summary>
public static class NextTokenProbe
{
    public static IReadOnlyList<double> Probabilities(CausalLM model, IReadOnlyList<int> prompt, IReadOnlyList<int> tokens)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var ids = tensor(prompt.Select(i => (long)i).ToArray(), device: model.model.embed_tokens.weight!.device).unsqueeze(0);
        var logits = model.forward(ids)[0, -1].to(ScalarType.Float32);    // (vocab)
        var probs = logits.softmax(0).cpu();
        return tokens.Select(t => probs[t].item<float>() is var p ? (double)p : 0).ToList();
    }
}
