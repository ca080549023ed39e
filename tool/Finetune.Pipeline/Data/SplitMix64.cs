namespace Finetune.Pipeline.Data;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood, 2014; the seeding generator of xoshiro): a 64-bit state advanced by
/// the golden-ratio constant and mixed. Written out here so that shuffles and generated data depend only
/// on this code, never on how a .NET version implements <see cref="Random"/>. Drives the demo data generator;
/// dataset shuffles use <see cref="NumpyPcg64"/> to match Hugging Face.
/// </summary>
public sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    /// <summary>A generator seeded from a recipe's signed seed (sign-extended: -1 is 0xFFFF_FFFF_FFFF_FFFF).</summary>
    public SplitMix64(int seed)
        : this(unchecked((ulong)(long)seed))
    {
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>
    /// A uniform integer in [0, <paramref name="bound"/>): draws of 64 bits below the largest multiple of
    /// <paramref name="bound"/> are taken modulo it, others are redrawn (no modulo bias).
    /// </summary>
    public int NextBelow(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        var b = (ulong)bound;
        var threshold = (0UL - b) % b; // 2^64 mod b: draws below it are redrawn
        while (true)
        {
            var r = Next();
            if (r >= threshold)
                return (int)(r % b);
        }
    }
}
