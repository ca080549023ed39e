using System.Text.Json.Nodes;
using Finetune.Testing;

namespace Finetune.Tool.Tests;

/// <summary><c>bench tokenize</c> and <c>bench forward</c> run and report positive rates (timings are not asserted).</summary>
public sealed class BenchCommandTests
{
    private readonly string _dir = TestPaths.NewTempDir();

    [Fact]
    public async Task Bench_tokenize_prints_json_and_writes_it_to_out()
    {
        var r = await ToolOutput.Run(_dir, "bench", "tokenize", "--model", TestPaths.Reference("llama3"),
            "--jsonl", TestPaths.Reference("llama3", "encode_samples.jsonl"), "--repeat", "2", "--json", "--out", "results/tok.json");
        Assert.True(r.ExitCode == 0, r.StandardError);
        var line = Assert.Single(r.OutputLines);
        Assert.Equal(line + "\n", File.ReadAllText(Path.Combine(_dir, "results", "tok.json")));
        var json = JsonNode.Parse(line)!;
        Assert.Equal(51, (int)json["rows"]!);
        var expectedTokens = File.ReadLines(TestPaths.Reference("llama3", "encode_samples.jsonl"))
            .Where(l => l.Length > 0).Sum(l => JsonNode.Parse(l)!["ids"]!.AsArray().Count);
        Assert.Equal(expectedTokens, (int)json["tokens"]!);
        Assert.True((double)json["rows_per_s"]! > 0);
        Assert.True((double)json["tokens_per_s"]! > 0);
        Assert.True((double)json["tokens_per_cpu_s"]! > 0);
    }

    [Fact]
    public async Task Bench_forward_prints_tokens_per_second_and_peak_rss()
    {
        var r = await ToolOutput.Run(_dir, "bench", "forward", "--model", TestPaths.Reference("models", "stories260K.gguf"),
            "--batch", "2", "--seq", "16", "--steps", "2", "--json");
        Assert.True(r.ExitCode == 0, r.StandardError);
        var json = JsonNode.Parse(Assert.Single(r.OutputLines))!;
        Assert.Equal(2, (int)json["batch"]!);
        Assert.Equal(16, (int)json["seq"]!);
        Assert.True((double)json["tokens_per_s"]! > 0);
        Assert.True((long)json["peak_rss_bytes"]! > 10L << 20); // libtorch alone is tens of MiB resident
    }

    [Fact]
    public async Task Bench_forward_without_json_prints_one_readable_line()
    {
        var r = await ToolOutput.Run(_dir, "bench", "forward", "--model", TestPaths.Reference("models", "stories260K.gguf"),
            "--batch", "1", "--seq", "8", "--steps", "1", "--dtype", "bf16");
        Assert.True(r.ExitCode == 0, r.StandardError);
        Assert.Matches(@"^forward: batch 1 x seq 8, bf16, 1 steps in [0-9.]+ s: [0-9,]+ tokens/s, [0-9.]+ ms/step, peak RSS [0-9.]+ MiB$", Assert.Single(r.OutputLines));
    }

    [Fact]
    public async Task Bench_train_on_the_tiny_preset_reports_rates_and_memory()
    {
        var r = await ToolOutput.Run(_dir, "bench", "train", "--preset", "tiny", "--batch", "2", "--seq", "32", "--steps", "2", "--warmup", "1", "--json", "--out", "train.json");
        Assert.True(r.ExitCode == 0, r.StandardError);
        var json = JsonNode.Parse(Assert.Single(r.OutputLines))!;
        Assert.Equal(3_027_200, (long)json["parameters"]!); // the CPU peer's tiny shape (../shared/bench/torch_peer_train.py)
        Assert.True((double)json["tokens_per_s"]! > 0);
        Assert.True((double)json["peak_rss_mb"]! > 10);
        Assert.Equal(json.ToJsonString(), JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "train.json")))!.ToJsonString());
    }

    [Fact]
    public async Task Bench_train_needs_exactly_one_of_model_and_preset()
    {
        var r = await ToolOutput.Run(_dir, "bench", "train", "--batch", "2");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("exactly one of --model PATH and --preset NAME", r.StandardError);
    }
}
