namespace Finetune.Torch.Training.Data;

/// <summary>
/// Steele, Lea and Flood's SplitMix64 (the seeder of xoshiro): a 64-bit state advanced by the golden gamma
/// and mixed. From state 0 it yields 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F.
/// The one generator of the project: training data order (<see cref="TrainingRng"/>) and the demo data
/// generator both draw from it, so what they produce depends on this code, never on <see cref="Random"/>.
/// </summary>
public sealed class SplitMix64(ulong state)
{
    private const ulong Gamma = 0x9E3779B97F4A7C15UL;

    /// <summary>A generator seeded from a recipe's signed seed (sign-extended: -1 is 0xFFFF_FFFF_FFFF_FFFF).</summary>
    public SplitMix64(int seed)
        : this(unchecked((ulong)(long)seed))
    {
    }

    public ulong State { get; private set; } = state;

    public ulong Next()
    {
        State += Gamma;
        return Mix(State);
    }

    /// <summary>Uniform in [0, bound) by rejection (no modulo bias).</summary>
    public ulong NextBelow(ulong bound)
    {
        if (bound == 0) throw new ArgumentOutOfRangeException(nameof(bound), "bound must be positive");
        ulong limit = ulong.MaxValue - ulong.MaxValue % bound;
        ulong x;
        do x = Next(); while (x >= limit);
        return x % bound;
    }

    /// <summary>Uniform in [0, bound) by rejection (no modulo bias).</summary>
    public int NextBelow(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        return (int)NextBelow((ulong)bound);
    }

    /// <summary>The SplitMix64 output function (a bijective 64-bit mix).</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
