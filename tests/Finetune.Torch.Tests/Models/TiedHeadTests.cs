using Finetune.Torch.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Finetune.Torch.Tests.Models;

public sealed class TiedHeadTests
{
    [Fact]
    public void Tied_head_is_one_parameter_and_one_adamw_step_moves_it_by_lr_once()
    {
        using var model = TinyModels.Random(TinyModels.Config(tied: true, llama3: false), ScalarType.Float32, seed: 1);
        var parameters = model.parameters().ToList();
        var embedding = model.model.embed_tokens.weight!;
        Assert.Single(parameters, p => p.shape.SequenceEqual(new long[] { 40, 16 }));
        Assert.Equal(20, parameters.Count);
        Assert.DoesNotContain(model.named_parameters(), p => p.name == "lm_head.weight");

        using var before = embedding.detach().clone();
        const double lr = 0.01;
        var optimizer = optim.AdamW(model.parameters(), lr: lr, weight_decay: 0);
        using var input = tensor(new long[] { 1, 5, 9, 3 }).unsqueeze(0);
        using var logits = model.forward(input);
        using var loss = logits.pow(2).mean();
        loss.backward();
        optimizer.step();

        // AdamW's first step moves every element with a non-zero gradient by lr · g/(|g| + eps) ≈ ±lr;
        // a parameter listed twice would move by about 2·lr.
        using var delta = (embedding.detach() - before).abs();
        double largest = delta.max().item<float>();
        Assert.InRange(largest, 0.99 * lr, 1.01 * lr);
    }

    [Fact]
    public void Resize_keeps_old_rows_and_padding_rows_are_masked()
    {
        using var model = TinyModels.Random(TinyModels.Config(tied: false, llama3: false), ScalarType.Float32, seed: 2);
        using var oldEmbed = model.model.embed_tokens.weight!.detach().clone();
        using var oldHead = model.lm_head!.weight!.detach().clone();
        model.ResizeTokenEmbeddings(48);
        Assert.Equal(48, model.Config.VocabSize);
        Assert.Equal(new long[] { 48, 16 }, model.model.embed_tokens.weight!.shape);
        Assert.Equal(new long[] { 48, 16 }, model.lm_head.weight!.shape);
        Assert.Equal(oldEmbed.data<float>().ToArray(), model.model.embed_tokens.weight!.narrow(0, 0, 40).data<float>().ToArray());
        Assert.Equal(oldHead.data<float>().ToArray(), model.lm_head.weight!.narrow(0, 0, 40).data<float>().ToArray());
        Assert.Equal(21, model.parameters().Count()); // replaced, not added

        model.RealVocabSize = 42;
        using var input = tensor(new long[] { 1, 41 }).unsqueeze(0);
        using var logits = model.forward(input);
        var last = logits[0, 1].data<float>().ToArray();
        Assert.All(last[42..], v => Assert.Equal(float.NegativeInfinity, v));
        Assert.All(last[..42], v => Assert.True(float.IsFinite(v)));
    }
}
