using Finetune.Pipeline.Data;

namespace Finetune.Pipeline.Tests.Data;

/// <summary>Every expected value here was printed by NumPy 1.24.2 (<c>numpy.random.default_rng</c>).</summary>
public sealed class NumpyPcg64Tests
{
    [Theory]
    [InlineData(0UL, "1AA1B5345996452D09585EB7A69561E3", "418DDADB3AF71A82588133BC447873A9", 0xA30FEBCFD9C2825FUL, 0x4510BDF882D9D721UL)]
    [InlineData(42UL, "CEA44F6798798F2AACBC7C9D68860AC8", "FA505436C9A8416E66CAF2E28D25ABFF", 0xC621FBCD16D92688UL, 0x705A5661A791FFC1UL)]
    [InlineData(7UL, "9D0AECC4E7B188919AE2415A6B292038", "C4751896CE8ACEBF66887F5AC070D959", 0xA00641A9F1E54A8BUL, 0xE5AFCDBCAF266A95UL)]
    [InlineData(123456789UL, "01FB8C639807D4F9A743FAED3238EF4C", "3107B338EAA5D534D4A60EB363925CD9", 0x07182E9CE6A6F13CUL, 0xE81D7EAD95D3CECDUL)]
    [InlineData(1099511627781UL, "D972711564FCBCF2A1511CB73ED6E086", "4A4B8B68972231A08584F27E67257DA7", 0x01369AEF039FEDEBUL, 0x5F61B40473314316UL)]
    public void Seeding_and_raw_draws_match_numpy(ulong seed, string state, string increment, ulong first, ulong second)
    {
        // default_rng(seed).bit_generator.state["state"] and .random_raw(2); the last seed needs two 32-bit entropy words.
        var random = new NumpyPcg64(seed);

        Assert.Equal(UInt128.Parse(state, System.Globalization.NumberStyles.HexNumber), random.State);
        Assert.Equal(UInt128.Parse(increment, System.Globalization.NumberStyles.HexNumber), random.Increment);
        Assert.Equal(first, random.Next64());
        Assert.Equal(second, random.Next64());
    }

    [Fact]
    public void Small_permutations_match_numpy()
    {
        Assert.Equal([4, 2, 3, 1, 0], new NumpyPcg64(42).Permutation(5));
        Assert.Equal([5, 6, 0, 7, 3, 2, 4, 9, 1, 8], new NumpyPcg64(42).Permutation(10));
        Assert.Equal([4, 6, 2, 7, 3, 5, 9, 0, 8, 1], new NumpyPcg64(0).Permutation(10));
        Assert.Equal([8, 4, 7, 0, 1, 2, 5, 9, 6, 3], new NumpyPcg64(1).Permutation(10));
        Assert.Empty(new NumpyPcg64(1).Permutation(0));
        Assert.Equal([0], new NumpyPcg64(1).Permutation(1));
    }

    [Fact]
    public void Large_permutations_match_numpy()
    {
        // sum(arange(n) * permutation), a checksum of the whole order.
        var tenThousand = new NumpyPcg64(42).Permutation(10_000);
        Assert.Equal([8132, 8268, 719, 8237, 4555, 6651, 5650, 9034, 1260, 644], tenThousand.Take(10));
        Assert.Equal(250495466753L, tenThousand.Select((v, i) => (long)v * i).Sum());

        var seventyThousand = new NumpyPcg64(3).Permutation(70_000);
        Assert.Equal([62765, 41943, 28262, 54908, 67573, 4215, 55679, 30438], seventyThousand.Take(8));
        Assert.Equal(85594950755092L, seventyThousand.Select((v, i) => (long)v * i).Sum() % ((1L << 61) - 1));
    }

    [Fact]
    public void Interval_stays_within_its_bound()
    {
        var random = new NumpyPcg64(5);

        Assert.Equal(0UL, random.Interval(0));
        Assert.All(Enumerable.Range(0, 200).Select(_ => random.Interval(6)), v => Assert.InRange(v, 0UL, 6UL));
        Assert.All(Enumerable.Range(0, 50).Select(_ => random.Interval(1UL << 40)), v => Assert.InRange(v, 0UL, 1UL << 40));
    }
}
