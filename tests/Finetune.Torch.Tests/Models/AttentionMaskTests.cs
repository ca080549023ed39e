using Finetune.Torch.Models;
using static TorchSharp.torch;

namespace Finetune.Torch.Tests.Models;

public sealed class AttentionMaskTests
{
    [Fact]
    public void Left_padded_row_gives_the_logits_of_the_unpadded_sequence()
    {
        using var model = TinyModels.Random(TinyModels.Config(tied: false, llama3: true), ScalarType.Float32, seed: 9);
        long[] ids = [1, 7, 3, 22, 5];
        using var alone = model.forward(tensor(ids).unsqueeze(0));                              // (1, 5, V)
        using var padded = tensor(new long[] { 0, 0, 1, 7, 3, 22, 5 }).unsqueeze(0);
        using var mask = tensor(new long[] { 0, 0, 1, 1, 1, 1, 1 }).unsqueeze(0);
        using var positions = tensor(new long[] { 0, 0, 0, 1, 2, 3, 4 }).unsqueeze(0);
        using var batched = model.forward(padded, null, mask, positions).narrow(1, 2, 5);
        Assert.True(batched.allclose(alone, rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void Prefill_in_chunks_through_the_cache_equals_one_pass()
    {
        using var model = TinyModels.Random(TinyModels.Config(tied: true, llama3: false), ScalarType.Float32, seed: 4);
        using var ids = tensor(new long[] { 1, 8, 30, 2, 11, 19, 6 }).unsqueeze(0);
        using var full = model.forward(ids);
        using var cache = new KvCache(model.Config, 1, 16, ScalarType.Float32);
        using var first = model.forward(ids.narrow(1, 0, 3), cache);
        using var second = model.forward(ids.narrow(1, 3, 4), cache);
        Assert.Equal(7, cache.Length);
        using var joined = cat([first, second], 1);
        Assert.True(joined.allclose(full, rtol: 1e-5, atol: 1e-5));
    }
}
