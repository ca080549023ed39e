using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Finetune.Pipeline.Store;
using Finetune.Testing;
using Xunit.Abstractions;

namespace Finetune.Tool.Tests;

/// <summary>
/// Ctrl-C everywhere: SIGINT sent to the built tool while it waits for the store lock, hashes a huge input,
/// maps a dataset, trains and evaluates ends it with exit 130 and the one line "interrupted" within 2 s, and
/// leaves a consistent store (every entry whole, <c>cache verify</c> clean, no temp folder, the lock free):
/// a rerun reuses the entries the interrupted runs completed and ends with the same outputs as an
/// uninterrupted run in a store of its own. About half a minute on 2 cores.
/// </summary>
public sealed class SigintTests(ITestOutputHelper log) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(2);
    private static readonly string[] Stages = ["tokenize", "resize", "seed", "map", "train", "evaluate", "export"];
    private readonly string _dir = TestPaths.NewTempDir("ft-sigint");

    public void Dispose()
    {
        // The sparse 16 GB file takes no space, but nothing should keep it around.
        var big = Path.Combine(_dir, "huge.jsonl");
        if (File.Exists(big)) File.Delete(big);
    }

    /// <summary>The tiny recipe cut down to seconds: 400 rows, one epoch (45 steps, a progress line each), its data file replaced by <paramref name="data"/>.</summary>
    private static string Recipe(string data, bool take = true) =>
        TinyRecipe.Text("export/think-answer-tiny", dataPath: data)
            .Replace($"path: {data}\n", $"path: {data}\n" + (take ? "  take: 400\n" : ""))
            .Replace("epochs: 3", "epochs: 1")
            .Replace("log_every: 10", "log_every: 1");

    private static string DemoData => Path.Combine(TestPaths.RepoRoot, "recipes", "data", "demo-reasoning.jsonl");

    [Fact]
    public async Task Ctrl_c_at_each_long_loop_exits_130_within_2_s_and_a_rerun_completes_from_a_consistent_store()
    {
        // An uninterrupted run in a store of its own: what the interrupted store must end up holding.
        var clean = Path.Combine(_dir, "clean");
        Directory.CreateDirectory(clean);
        File.WriteAllText(Path.Combine(clean, "tiny.yaml"), Recipe(DemoData));
        var reference = await ToolProcess.Run(clean, "run", "tiny.yaml", "--store", "store", "--json");
        Assert.True(reference.ExitCode == 0, reference.StandardError + reference.StandardOutput);
        Assert.All(Stages, s => Assert.Equal("ran", Statuses(reference.StandardOutput)[s].Status));

        File.WriteAllText(Path.Combine(_dir, "tiny.yaml"), Recipe(DemoData));
        var store = Path.Combine(_dir, "store");

        // 1. Waiting for the store lock another run holds.
        using (StoreLock.Acquire(store, TimeSpan.Zero))
            await Interrupt("lock wait", Run("tiny.yaml"), line => line.Contains("waiting for the store lock", StringComparison.Ordinal));

        // 2. Hashing an input that takes long to read: 400 real rows (all that take: 400 reads), then a 16 GB sparse tail.
        var huge = Path.Combine(_dir, "huge.jsonl");
        File.WriteAllLines(huge, File.ReadLines(DemoData).Take(400));
        using (var grow = new FileStream(huge, FileMode.Open)) grow.SetLength(16L << 30);
        File.WriteAllText(Path.Combine(_dir, "huge.yaml"), Recipe(huge));
        await Interrupt("hashing", Run("huge.yaml"), line => StageEvent(line) == "seed"); // map's inputs are hashed next
        AssertConsistent(store, "tokenize", "resize", "seed");

        // 3. Mapping 40,000 rows (seconds of reading, rendering and tokenizing).
        var many = Path.Combine(_dir, "many.jsonl");
        File.WriteAllLines(many, Enumerable.Repeat(File.ReadAllLines(DemoData), 20).SelectMany(l => l));
        File.WriteAllText(Path.Combine(_dir, "many.yaml"), Recipe(many, take: false));
        await Interrupt("map", Run("many.yaml"), line => StageEvent(line) == "seed", TimeSpan.FromMilliseconds(500));
        AssertConsistent(store, "tokenize", "resize", "seed");

        // 4. Training: after its first step (44 to go); what ran before is reused.
        var train = await Interrupt("train", Run("tiny.yaml"), line => Message(line) is ("train", var m) && m.StartsWith("step 1/", StringComparison.Ordinal));
        Assert.Equal(["cached", "cached", "cached", "ran"], Stages[..4].Select(s => Statuses(train)[s].Status));
        AssertConsistent(store, "tokenize", "resize", "seed", "map");

        // 5. Evaluating (scoring the test split and generating answers), once training has completed.
        var evaluate = await Interrupt("evaluate", Run("tiny.yaml"), line => Message(line).Stage == "evaluate");
        Assert.Equal("ran", Statuses(evaluate)["train"].Status);
        AssertConsistent(store, "tokenize", "resize", "seed", "map", "train");

        // The rerun takes the lock at once, reuses every entry completed above and ends where the clean run did.
        var verify = await ToolProcess.Run(_dir, "cache", "verify", "--store", "store");
        Assert.True(verify.ExitCode == 0, verify.StandardOutput + verify.StandardError);
        var rerun = await ToolProcess.Run(_dir, "run", "tiny.yaml", "--store", "store", "--json");
        Assert.True(rerun.ExitCode == 0, rerun.StandardError + rerun.StandardOutput);
        Assert.DoesNotContain("waiting for the store lock", rerun.StandardOutput, StringComparison.Ordinal);
        var done = Statuses(rerun.StandardOutput);
        Assert.Equal(["cached", "cached", "cached", "cached", "cached", "ran", "ran"], Stages.Select(s => done[s].Status));
        var expected = Statuses(reference.StandardOutput);
        Assert.All(Stages, s => Assert.Equal(expected[s].Key, done[s].Key));
        foreach (var file in new[] { "train/model/model.safetensors", "evaluate/samples.jsonl", "export/model/model.safetensors" })
        {
            var stage = file[..file.IndexOf('/')];
            var relative = file[(stage.Length + 1)..];
            Assert.True(Sha256(Path.Combine(clean, "store", stage, expected[stage].Key!, relative)) == Sha256(Path.Combine(store, stage, done[stage].Key!, relative)), $"{file} differs from the uninterrupted run's");
        }
        Assert.Equal(Sha256(Path.Combine(clean, "export", "think-answer-tiny", "model.safetensors")), Sha256(Path.Combine(_dir, "export", "think-answer-tiny", "model.safetensors")));

        // 6. cache gc removing 10,000 leftovers of crashed runs: stopped between two, each gone whole or left whole.
        var leftovers = Path.Combine(store, "map");
        for (var i = 0; i < 10_000; i++) File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(leftovers, $".tmp-crashed-{i:D5}")).FullName, "shard.bin"), "x");
        await Interrupt("cache gc", ["cache", "gc", "--store", "store"], _ => false, started: () => !Directory.Exists(Path.Combine(leftovers, ".tmp-crashed-00000")));
        var left = Directory.GetDirectories(leftovers, ".tmp-*");
        Assert.NotEmpty(left);
        Assert.All(left, d => Assert.True(Path.GetFileName(d).StartsWith(".tmp-crashed-", StringComparison.Ordinal) && File.Exists(Path.Combine(d, "shard.bin")), $"{d} is half removed"));
        var gc = await ToolProcess.Run(_dir, "cache", "gc", "--store", "store");
        Assert.True(gc.ExitCode == 0, gc.StandardError);
        Assert.Empty(Directory.GetDirectories(leftovers, ".tmp-*"));
        AssertConsistent(store, Stages);
    }

    [Fact]
    public async Task Ctrl_c_in_chat_while_it_waits_for_the_next_prompt_exits_130_at_once()
    {
        // Console.ReadLine cannot be cancelled: the wait is marked idle, so Ctrl-C ends the process right there.
        var model = Path.Combine(TestPaths.RepoRoot, "recipes", "models", "tiny-llama");
        await Interrupt("chat prompt", ["chat", model, "--max-new-tokens", "4"], _ => true, TimeSpan.FromMilliseconds(300), stdin: "How many balls?\n");
    }

    private static string[] Run(string recipe) => ["run", recipe, "--store", "store", "--json"];

    /// <summary>
    /// Runs the tool until a stdout or stderr line satisfies <paramref name="ready"/>, waits
    /// <paramref name="delay"/>, sends SIGINT and checks the exit: 130 within <see cref="Bound"/>, "interrupted" as the last
    /// stderr line and no error before it. Returns stdout.
    /// </summary>
    /// <param name="started">polled every 10 ms besides the lines, for work that prints nothing while it runs</param>
    /// <param name="stdin">written to the tool's input, which then stays open</param>
    private async Task<string> Interrupt(string point, string[] args, Func<string, bool> ready, TimeSpan delay = default, Func<bool>? started = null, string? stdin = null)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = _dir, RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = stdin != null };
        foreach (var a in (string[])[TestPaths.ToolDll, .. args]) start.ArgumentList.Add(a);
        start.Environment.Remove("FINETUNE_STORE");
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var tool = new Process { StartInfo = start };
        tool.OutputDataReceived += (_, e) => Line(stdout, e.Data);
        tool.ErrorDataReceived += (_, e) => Line(stderr, e.Data);
        tool.Start();
        tool.BeginOutputReadLine();
        tool.BeginErrorReadLine();
        if (stdin != null)
        {
            tool.StandardInput.Write(stdin);
            tool.StandardInput.Flush();
        }
        var exited = tool.WaitForExitAsync();
        if (started != null)
            _ = Task.Run(async () =>
            {
                while (!started() && !exited.IsCompleted) await Task.Delay(10);
                reached.TrySetResult();
            });
        if (await Task.WhenAny(reached.Task, exited).WaitAsync(TimeSpan.FromMinutes(3)) != reached.Task)
            Assert.Fail($"{point}: the tool ended (exit {tool.ExitCode}) before the point was reached:\n{stderr}{stdout}");
        if (delay > TimeSpan.Zero) await Task.Delay(delay);

        var clock = Stopwatch.StartNew();
        Assert.Equal(0, Kill(tool.Id, SigInt));
        await exited.WaitAsync(TimeSpan.FromMinutes(1));
        var took = clock.Elapsed;
        log.WriteLine($"{point}: exit {tool.ExitCode} {took.TotalSeconds:0.000} s after SIGINT");
        var output = $"{point}: exit {tool.ExitCode} {took.TotalSeconds:0.00} s after SIGINT\n{stderr}{stdout}";
        Assert.True(tool.ExitCode == 130, output);
        Assert.True(took <= Bound, output);
        var lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length > 0 && lines[^1] == "interrupted", output);
        Assert.DoesNotContain(lines, l => l.Contains("error", StringComparison.OrdinalIgnoreCase) || l.Contains("Exception", StringComparison.Ordinal));
        return stdout.ToString();

        void Line(StringBuilder into, string? line)
        {
            if (line is null) return;
            lock (into) into.Append(line).Append('\n');
            if (ready(line)) reached.TrySetResult();
        }
    }

    /// <summary>No half-written entry: every entry folder has its manifest and no temp folder is left; these stages are complete.</summary>
    private static void AssertConsistent(string store, params string[] complete)
    {
        foreach (var stageDir in Directory.EnumerateDirectories(store).Where(d => !Path.GetFileName(d).StartsWith('.')))
        foreach (var entry in Directory.EnumerateDirectories(stageDir))
        {
            var name = Path.GetFileName(entry);
            Assert.False(name.StartsWith(".tmp-", StringComparison.Ordinal), $"{entry} was left behind");
            if (!name.StartsWith('.')) Assert.True(File.Exists(Path.Combine(entry, StoreManifest.FileName)), $"{entry} has no manifest");
        }
        var entries = new ArtifactStore(store).List().Select(m => m.Stage).ToHashSet();
        Assert.All(complete, s => Assert.Contains(s, entries));
        Assert.Empty(new ArtifactStore(store).Verify());
    }

    /// <summary>Each stage's status and key from the --json stage events.</summary>
    private static Dictionary<string, (string Status, string? Key)> Statuses(string stdout) =>
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonNode.Parse(l)!)
            .Where(j => (string?)j["event"] == "stage")
            .ToDictionary(j => (string)j["stage"]!, j => ((string)j["status"]!, (string?)j["key"]));

    /// <summary>The stage a --json stage event (ran or cached) names; null for any other line.</summary>
    private static string? StageEvent(string line) =>
        line.StartsWith('{') && JsonNode.Parse(line) is { } j && (string?)j["event"] == "stage" ? (string?)j["stage"] : null;

    /// <summary>(stage, text) of a --json message event; empty strings for any other line.</summary>
    private static (string Stage, string Text) Message(string line) =>
        line.StartsWith('{') && JsonNode.Parse(line) is { } j && (string?)j["event"] == "message" ? ((string)j["stage"]!, (string)j["text"]!) : ("", "");

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private const int SigInt = 2;

#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code in this project; a plain blittable DllImport does the same.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
#pragma warning restore SYSLIB1054
}
