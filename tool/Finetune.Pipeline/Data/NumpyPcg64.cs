namespace Finetune.Pipeline.Data;

/// <summary>
/// NumPy's default generator, <c>numpy.random.default_rng(seed)</c>: PCG64 (128-bit LCG, XSL-RR output)
/// seeded through <c>SeedSequence</c>, with NumPy's bounded draws and shuffle. Written out so that
/// <see cref="Permutation"/> equals <c>default_rng(seed).permutation(n)</c>, which is how Hugging Face
/// <c>datasets</c> shuffles (<c>Dataset.shuffle(seed)</c>, <c>train_test_split(seed=...)</c>): a recipe's split
/// is then the same rows, in the same order, as the Python original's.
/// </summary>
public sealed class NumpyPcg64
{
    private static readonly UInt128 Multiplier = new(0x2360ED051FC65DA4UL, 0x4385DF649FCCF645UL);

    private UInt128 _state;
    private readonly UInt128 _increment;
    private uint _spare;
    private bool _hasSpare;

    /// <summary>A generator in the state <c>default_rng(seed)</c> starts in.</summary>
    public NumpyPcg64(ulong seed)
    {
        var words = SeedSequenceState(seed);
        var state = new UInt128(words[0], words[1]);
        var sequence = new UInt128(words[2], words[3]);
        _increment = (sequence << 1) | 1;
        _state = 0;
        Step();
        _state += state;
        Step();
    }

    /// <summary>The 128-bit LCG state (NumPy's <c>bit_generator.state["state"]["state"]</c>).</summary>
    public UInt128 State => _state;

    /// <summary>The LCG increment (NumPy's <c>bit_generator.state["state"]["inc"]</c>).</summary>
    public UInt128 Increment => _increment;

    /// <summary>The next 64 bits (NumPy's <c>bit_generator.random_raw()</c>).</summary>
    public ulong Next64()
    {
        Step();
        var high = (ulong)(_state >> 64);
        var low = (ulong)_state;
        return ulong.RotateRight(high ^ low, (int)(_state >> 122));
    }

    /// <summary>32 bits: the low half of a fresh 64-bit draw, then its high half (NumPy's buffered <c>next_uint32</c>).</summary>
    public uint Next32()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spare;
        }
        var next = Next64();
        _spare = (uint)(next >> 32);
        _hasSpare = true;
        return (uint)next;
    }

    /// <summary>A uniform integer in [0, <paramref name="max"/>] by masked rejection (NumPy's <c>random_interval</c>).</summary>
    public ulong Interval(ulong max)
    {
        if (max == 0)
            return 0;
        var mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        mask |= mask >> 32;
        ulong value;
        if (max <= uint.MaxValue)
            while ((value = Next32() & mask) > max)
            {
            }
        else
            while ((value = Next64() & mask) > max)
            {
            }
        return value;
    }

    /// <summary><c>default_rng(seed).permutation(n)</c>: Fisher–Yates over 0..n-1 from the last position down, <c>j = Interval(i)</c>.</summary>
    public int[] Permutation(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var result = new int[n];
        for (var i = 0; i < n; i++)
            result[i] = i;
        for (var i = n - 1; i > 0; i--)
        {
            var j = (int)Interval((ulong)i);
            (result[i], result[j]) = (result[j], result[i]);
        }
        return result;
    }

    private void Step() => _state = unchecked(_state * Multiplier + _increment);

    /// <summary>
    /// NumPy's <c>SeedSequence(seed).generate_state(4, uint64)</c>: the seed's 32-bit words are hashed into a
    /// pool of four words, which are hashed again into eight 32-bit outputs read as four little-endian 64-bit words.
    /// </summary>
    private static ulong[] SeedSequenceState(ulong seed)
    {
        const uint InitA = 0x43B0D7E5, MultA = 0x931E8875, InitB = 0x8B51F9DD, MultB = 0x58F38DED;
        const uint MixMultL = 0xCA01F9DD, MixMultR = 0x4973F715;
        const int PoolSize = 4;

        uint[] entropy = seed > uint.MaxValue ? [(uint)seed, (uint)(seed >> 32)] : [(uint)seed];
        var hashConst = InitA;
        uint HashMix(uint value)
        {
            unchecked
            {
                value ^= hashConst;
                hashConst *= MultA;
                value *= hashConst;
                return value ^ (value >> 16);
            }
        }
        static uint Mix(uint x, uint y)
        {
            var result = unchecked(MixMultL * x - MixMultR * y);
            return result ^ (result >> 16);
        }

        var pool = new uint[PoolSize];
        for (var i = 0; i < PoolSize; i++)
            pool[i] = HashMix(i < entropy.Length ? entropy[i] : 0);
        for (var src = 0; src < PoolSize; src++)
            for (var dst = 0; dst < PoolSize; dst++)
                if (src != dst)
                    pool[dst] = Mix(pool[dst], HashMix(pool[src]));

        var outHash = InitB;
        var words = new uint[8];
        for (var i = 0; i < words.Length; i++)
        {
            unchecked
            {
                var value = pool[i % PoolSize] ^ outHash;
                outHash *= MultB;
                value *= outHash;
                words[i] = value ^ (value >> 16);
            }
        }
        return [.. Enumerable.Range(0, 4).Select(i => words[2 * i] | ((ulong)words[2 * i + 1] << 32))];
    }
}
