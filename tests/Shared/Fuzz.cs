using System.Text;

namespace Finetune.Testing;

/// <summary>
/// A seeded mutation fuzzer: each iteration takes a seed input, applies one to four random edits (flip, set
/// to an interesting byte, insert, delete, duplicate or splice a range, cut the tail), and feeds the result
/// to the code under test, which must finish within a time bound either normally or with one of our clean
/// error types. The same seed always gives the same inputs, so a failure reproduces.
/// </summary>
internal static class Fuzz
{
    private static readonly byte[] Interesting = [0, 0xff, 0x7f, 0x80, (byte)'{', (byte)'}', (byte)'[', (byte)']', (byte)'"', (byte)'\\', (byte)':', (byte)'\n', (byte)'\t', (byte)'%', (byte)'-', (byte)'9', (byte)'*', (byte)'|', (byte)'&'];

    /// <summary>Per input, a hang guard: far above what any clean rejection takes.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    public static byte[] Mutate(Random rng, byte[] input, IReadOnlyList<byte[]> seeds)
    {
        var data = new List<byte>(input);
        for (var edits = rng.Next(1, 5); edits > 0; edits--)
        {
            var at = data.Count == 0 ? 0 : rng.Next(data.Count);
            switch (rng.Next(8))
            {
                case 0 when data.Count > 0:
                    data[at] ^= (byte)(1 << rng.Next(8));
                    break;
                case 1 when data.Count > 0:
                    data[at] = Interesting[rng.Next(Interesting.Length)];
                    break;
                case 2:
                    data.InsertRange(at, Enumerable.Range(0, rng.Next(1, 9)).Select(_ => Interesting[rng.Next(Interesting.Length)]));
                    break;
                case 3 when data.Count > 0:
                    data.RemoveRange(at, Math.Min(data.Count - at, rng.Next(1, 17)));
                    break;
                case 4 when data.Count > 0:
                    var length = Math.Min(data.Count - at, rng.Next(1, 65));
                    data.InsertRange(rng.Next(data.Count), data.GetRange(at, length));
                    break;
                case 5:
                    var other = seeds[rng.Next(seeds.Count)];
                    if (other.Length > 0)
                    {
                        var from = rng.Next(other.Length);
                        data.InsertRange(at, other.Skip(from).Take(rng.Next(1, 33)));
                    }
                    break;
                case 6 when data.Count > 8:
                    data.RemoveRange(at, data.Count - at);
                    break;
                default:
                    if (data.Count >= 8 && rng.Next(2) == 0)
                    {
                        // A length or count field: make it huge or zero.
                        var p = rng.Next(Math.Min(data.Count - 7, 64));
                        var value = rng.Next(3) switch { 0 => ulong.MaxValue, 1 => 0UL, _ => 1UL << rng.Next(64) };
                        for (var i = 0; i < 8; i++)
                            data[p + i] = (byte)(value >> (8 * i));
                    }
                    break;
            }
        }
        return [.. data];
    }

    /// <summary>
    /// Runs <paramref name="iterations"/> mutated inputs through <paramref name="consume"/>; an exception that
    /// <paramref name="isClean"/> rejects, or a run past <see cref="Bound"/>, fails with the input that did it.
    /// </summary>
    public static void Run(IReadOnlyList<byte[]> seeds, int iterations, int seed, Action<byte[]> consume, Func<Exception, bool> isClean)
    {
        var rng = new Random(seed);
        var failures = new List<string>();
        // The seeds themselves must pass whole: a seed that is already refused would fuzz only the first check.
        for (var i = 0; i < seeds.Count; i++)
        {
            var unmutated = seeds[i];
            var error = Record.Exception(() => consume(unmutated));
            Assert.True(error == null, $"seed {i} does not pass unmutated: {error?.GetType().Name}: {error?.Message}");
        }
        for (var i = 0; i < iterations && failures.Count < 3; i++)
        {
            var input = Mutate(rng, seeds[rng.Next(seeds.Count)], seeds);
            var task = Task.Run(() => consume(input));
            try
            {
                if (!task.Wait(Bound))
                    failures.Add($"iteration {i}: no answer within {Bound.TotalSeconds} s for {Show(input)}");
            }
            catch (AggregateException e) when (e.InnerException is { } inner)
            {
                if (!isClean(inner))
                    failures.Add($"iteration {i}: {inner.GetType().Name}: {inner.Message} for {Show(input)}\n{inner.StackTrace}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    /// <summary>
    /// <see cref="Run"/> for readers that take a path: each input is written to its own file in a temp folder
    /// (named <c>NNN.extension</c>), given to <paramref name="read"/>, then removed; the folder goes at the end.
    /// </summary>
    public static void RunOnFiles(IReadOnlyList<byte[]> seeds, int iterations, int seed, string extension, Action<string> read, Func<Exception, bool> isClean)
    {
        var dir = TestPaths.NewTempDir("fuzz");
        var n = 0;
        try
        {
            Run(seeds, iterations, seed, input =>
            {
                var path = Path.Combine(dir, $"{Interlocked.Increment(ref n)}.{extension}");
                File.WriteAllBytes(path, input);
                try { read(path); }
                finally { File.Delete(path); }
            }, isClean);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The input as escaped text, cut to 400 chars, for the failure message.</summary>
    public static string Show(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input);
        var escaped = string.Concat(text.Take(400).Select(c => char.IsControl(c) && c != '\n' ? $"\\x{(int)c:x2}" : c.ToString()));
        return $"{input.Length} bytes: \"{escaped}\"";
    }

    /// <summary>Seed files committed under a test project's Fuzz/Seeds/TARGET folder.</summary>
    public static IReadOnlyList<byte[]> Seeds(string project, string target) =>
        [.. Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "tests", project, "Fuzz", "Seeds", target)).Order(StringComparer.Ordinal).Select(File.ReadAllBytes)];
}
