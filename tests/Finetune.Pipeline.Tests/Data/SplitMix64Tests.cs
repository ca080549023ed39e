using Finetune.Torch.Training.Data;
using Finetune.Pipeline.Data;

namespace Finetune.Pipeline.Tests.Data;

public sealed class SplitMix64Tests
{
    [Fact]
    public void Seed_zero_gives_the_published_reference_sequence()
    {
        // The reference outputs of splitmix64.c (Vigna) from state 0.
        var random = new SplitMix64(0UL);

        Assert.Equal(0xE220A8397B1DCDAFUL, random.Next());
        Assert.Equal(0x6E789E6AA1B965F4UL, random.Next());
        Assert.Equal(0x06C45D188009454FUL, random.Next());
    }

    [Fact]
    public void A_negative_int_seed_is_sign_extended()
    {
        Assert.Equal(new SplitMix64(ulong.MaxValue).Next(), new SplitMix64(-1).Next());
        Assert.Equal(0xE4D971771B652C20UL, new SplitMix64(-1).Next());
    }

    [Fact]
    public void NextBelow_takes_draws_modulo_the_bound()
    {
        // Seed 42's first draws modulo 5, 4, 3, 2 (checked with an independent Python implementation).
        var random = new SplitMix64(42);

        Assert.Equal([3, 3, 0, 0], new[] { 5, 4, 3, 2 }.Select(random.NextBelow));
    }

    [Fact]
    public void NextBelow_stays_in_range_and_rejects_a_zero_bound()
    {
        var random = new SplitMix64(1);
        var seen = new HashSet<int>();
        for (var i = 0; i < 1000; i++)
            seen.Add(random.NextBelow(7));

        Assert.Equal(Enumerable.Range(0, 7), seen.Order());
        Assert.Throws<ArgumentOutOfRangeException>(() => random.NextBelow(0));
    }
}
