using System.Text.RegularExpressions;
using Finetune.Testing;
using Xunit.Abstractions;

namespace Finetune.Tool.Tests.Corpus;

/// <summary>
/// Runs every <see cref="CorpusCases"/> case in process through <see cref="CliApp.RunAsync"/> (the same entry
/// point as the built tool) and checks the promise: the expected exit code and one line naming the file and
/// place; no stack trace or exception type name; store entries written before untouched and no half entry
/// left; allocations bounded for the resource cases.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class BadInputCorpusTests(ITestOutputHelper log)
{
    public static TheoryData<CorpusCase> Cases() => new(CorpusCases.All());

    [Fact]
    public void The_corpus_has_at_least_80_cases_with_distinct_names()
    {
        var names = CorpusCases.All().Select(c => c.Name).ToList();
        Assert.True(names.Count >= 80, $"{names.Count} cases");
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_gives_one_clean_line(CorpusCase c)
    {
        var dir = TestPaths.NewTempDir("corpus");
        var store = Path.Combine(dir, "store");
        c.Setup(dir);
        var earlier = PlantEarlierEntry(store);
        var args = c.Args.Select(a => a.Replace("{d}", dir)).ToArray();

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
        var (exit, stdout, stderr) = await InProcessCli.Run(args);
        var allocated = GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore;
        RestoreWritable(store);

        var output = stdout + stderr;
        log.WriteLine($"exit {exit}: {output.Trim()}");
        Assert.True(exit == c.Exit, $"exit {exit}, expected {c.Exit}: {output}");
        var fragment = c.Fragment.Replace("{d}", dir);
        Assert.True(output.Contains(fragment, StringComparison.Ordinal), $"expected \"{fragment}\" in: {Last(output)}");
        if (c.Code != null)
            Assert.Contains($"error {c.Code}", output);
        // One error line (progress lines of the stages that ran before may precede it), and not a flood.
        var errorLines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.Contains("error", StringComparison.Ordinal)).ToList();
        Assert.True(errorLines.Count == 1, $"{errorLines.Count} error lines: {output}");
        Assert.True(errorLines[0].Length <= 1200, $"a {errorLines[0].Length}-char line");
        Assert.DoesNotContain("   at ", output);
        Assert.DoesNotContain("internal error", output);
        Assert.False(ExceptionName().IsMatch(output), $"an exception type name in: {output}");

        if (earlier != null)
            Assert.Equal("{\"planted\": true}", File.ReadAllText(earlier));
        if (Directory.Exists(store))
        {
            Assert.Empty(Directory.EnumerateDirectories(store, ".tmp-*", SearchOption.AllDirectories));
            // A stage's scratch folder (STAGE/.work/KEY, kept for --resume) may stay, but empty: the failed stage wrote nothing.
            foreach (var stage in Directory.EnumerateDirectories(store))
            {
                foreach (var entry in Directory.EnumerateDirectories(stage).Where(e => !Path.GetFileName(e).StartsWith('.')))
                    Assert.True(File.Exists(Path.Combine(entry, "manifest.json")), $"half entry {entry}");
                var work = Path.Combine(stage, ".work");
                if (Directory.Exists(work))
                    Assert.Empty(Directory.EnumerateFiles(work, "*", SearchOption.AllDirectories));
            }
        }
        if (c.MaxAllocatedBytes is { } budget)
            Assert.True(allocated < budget, $"{allocated:N0} bytes allocated (budget {budget:N0})");
    }

    private static string Last(string output) => string.Join(" | ", output.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(2));

    /// <summary>An entry from an earlier run, when the case leaves the store path free: it must survive untouched.</summary>
    private static string? PlantEarlierEntry(string store)
    {
        if (File.Exists(store) || Directory.Exists(Path.Combine(store, ".lock")) || Directory.Exists(store))
            return null;
        var entry = Directory.CreateDirectory(Path.Combine(store, "planted", "0000"));
        var file = Path.Combine(entry.FullName, "manifest.json");
        File.WriteAllText(file, "{\"planted\": true}");
        return file;
    }

    private static void RestoreWritable(string store)
    {
        if (Directory.Exists(store) && !OperatingSystem.IsWindows())
            File.SetUnixFileMode(store, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [GeneratedRegex(@"\b[A-Z][A-Za-z]+Exception\b")]
    private static partial Regex ExceptionName();
}
