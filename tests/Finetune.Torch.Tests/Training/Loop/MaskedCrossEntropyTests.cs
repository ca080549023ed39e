using Finetune.Torch.Tests.Models;
using static TorchSharp.torch;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Tests.Training.Loop;

public sealed class MaskedCrossEntropyTests
{
    // Position 0: logits [0, 0, 0], target 1 -> -log(1/3) = ln 3 = 1.0986122886681098.
    // Position 1: logits [0, ln 3, 0], target 1 -> -log(3/5) = 0.5108256237659907. Together ln 5.
    private static Tensor Logits() => tensor(new[] { 0f, 0f, 0f, 0f, MathF.Log(3f), 0f }, [1, 2, 3]);

    [Fact]
    public void Sums_over_all_tokens_without_a_mask()
    {
        using var loss = MaskedCrossEntropy.Sum(Logits(), tensor(new long[] { 1, 1 }, [1, 2]));
        Assert.Equal(1.6094379124341003, loss.item<float>(), 6);
    }

    [Fact]
    public void Mask_and_ignore_index_leave_tokens_out()
    {
        using var masked = MaskedCrossEntropy.Sum(Logits(), tensor(new long[] { 1, 1 }, [1, 2]), tensor(new[] { false, true }, [1, 2]));
        using var ignored = MaskedCrossEntropy.Sum(Logits(), tensor(new long[] { -100, 1 }, [1, 2]));
        Assert.Equal(0.5108256237659907, masked.item<float>(), 6);
        Assert.Equal(0.5108256237659907, ignored.item<float>(), 6);
    }

    [Fact]
    public void Next_token_form_scores_id_t_plus_1_with_logits_at_t()
    {
        // ids [2, 1, 1]: logits at 0 and 1 predict ids 1 and 1; the mask on id position 1 is off.
        using var ids = tensor(new long[] { 2, 1, 1 }, [1, 3]);
        using var logits = cat([Logits(), zeros(1, 1, 3)], 1);  // the last position predicts nothing
        using var all = MaskedCrossEntropy.NextTokenSum(logits, ids, tensor(new[] { 1, 1, 1 }, [1, 3]));
        using var onlyLast = MaskedCrossEntropy.NextTokenSum(logits, ids, tensor(new[] { 1, 0, 1 }, [1, 3]));
        Assert.Equal(1.6094379124341003, all.item<float>(), 6);
        Assert.Equal(0.5108256237659907, onlyLast.item<float>(), 6);
        Assert.Equal(1L, MaskedCrossEntropy.NextTokenCount(tensor(new[] { 1, 0, 1 }, [1, 3])));
    }

    [Fact]
    public void Padded_vocab_rows_get_no_probability_and_no_gradient()
    {
        // The path training runs: CausalLM.forward with RealVocabSize masks rows >= 42 of a 48-row head.
        using var model = TinyModels.Random(TinyModels.Config(tied: false, llama3: false), ScalarType.Float32, seed: 2);
        model.ResizeTokenEmbeddings(48);
        model.RealVocabSize = 42;
        using var logits = model.forward(tensor(new long[] { 1, 41 }).unsqueeze(0));  // (1, 2, 48)
        using var loss = MaskedCrossEntropy.Sum(logits.narrow(1, 1, 1), tensor(new long[] { 7 }, [1, 1]));
        loss.backward();

        // Expected by hand from the 42 real logits: -log softmax(real)[7].
        var real = logits[0, 1].detach().data<float>().ToArray()[..42].Select(v => (double)v).ToArray();
        var max = real.Max();
        Assert.Equal(-(real[7] - max - Math.Log(real.Sum(v => Math.Exp(v - max)))), loss.item<float>(), 4);
        using var probabilities = logits[0, 1].softmax(0);
        Assert.All(probabilities.data<float>().ToArray()[42..], p => Assert.Equal(0f, p));
        using var headGrad = model.lm_head!.weight!.grad!.narrow(0, 42, 6);
        Assert.All(headGrad.data<float>().ToArray(), g => Assert.Equal(0f, g));
    }
}
