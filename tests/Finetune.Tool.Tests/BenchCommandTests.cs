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
    public async Task Bench_train_takes_a_model_or_a_preset_not_both()
    {
        var r = await ToolOutput.Run(_dir, "bench", "train", "--preset", "tiny", "--model", "x", "--batch", "2");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("give one of --model PATH and --preset NAME, not both", r.StandardError);
    }

    [Fact]
    public async Task Bench_train_dry_run_plans_the_tiny_preset_by_hand_numbers()
    {
        // 3,027,200 fp32 parameters: weights and gradients 4 bytes each, AdamW's two fp32 moments 8 bytes each.
        var r = await ToolOutput.Run(_dir, "bench", "train", "--preset", "tiny", "--batch", "2", "--seq", "32", "--dry-run", "--json");
        Assert.True(r.ExitCode == 0, r.StandardError);
        var json = JsonNode.Parse(Assert.Single(r.OutputLines))!;
        Assert.Equal(3_027_200, (long)json["parameters"]!);
        Assert.Equal(3_027_200 * 4 / 1048576.0, (double)json["weights_mb"]!, 6);
        Assert.Equal(3_027_200 * 4 / 1048576.0, (double)json["gradients_mb"]!, 6);
        Assert.Equal(3_027_200 * 8 / 1048576.0, (double)json["optimizer_state_mb"]!, 6);
        Assert.Equal(0.0, (double)json["master_weights_mb"]!);
    }

    [Fact]
    public async Task Bench_train_shape_options_build_a_model_of_that_shape()
    {
        // embedding and untied head 100 x 64 each, final norm 64; one layer: q and o 64 x 64, k and v 32 x 64
        // (2 KV heads of head_dim 16), gate/up/down 128 x 64, two norms of 64: 12,864 + 12,288 + 24,576 + 128 = 49,856.
        var r = await ToolOutput.Run(_dir, "bench", "train", "--hidden", "64", "--layers", "1", "--heads", "4", "--kv-heads", "2",
            "--inter", "128", "--vocab", "100", "--untied", "--batch", "1", "--seq", "8", "--steps", "1", "--warmup", "0", "--json");
        Assert.True(r.ExitCode == 0, r.StandardError);
        var json = JsonNode.Parse(Assert.Single(r.OutputLines))!;
        Assert.Equal(49_856, (long)json["parameters"]!);
        Assert.Equal(6, json["phases"]!.AsArray().Count);
    }

    [Fact]
    public async Task Bench_train_planned_peak_is_within_15_percent_of_the_measured_one()
    {
        // A model whose weights and state dominate (vocabulary 32,000 x hidden 512): the plan plus the measured runtime.
        var r = await ToolOutput.Run(_dir, "bench", "train", "--hidden", "512", "--heads", "8", "--kv-heads", "2", "--inter", "1376",
            "--vocab", "32000", "--batch", "8", "--seq", "64", "--steps", "1", "--warmup", "0", "--threads", "1", "--json");
        Assert.True(r.ExitCode == 0, r.StandardError);
        var json = JsonNode.Parse(Assert.Single(r.OutputLines))!;
        double planned = (double)json["planned_peak_mb"]!, measured = (double)json["peak_rss_mb"]!;
        Assert.True(Math.Abs(planned - measured) / measured < 0.15, $"planned {planned:0} MB, measured {measured:0} MB");
    }

    [Fact]
    public async Task Bench_train_planned_peak_of_bf16_mixed_with_8_bit_adamw_is_within_15_percent_over_three_steps()
    {
        // bf16 weights, fp32 masters and their fp32 gradients at the step, 8-bit state; three steps, so fp32
        // gradients that outlived their step (a handle left to the garbage collector) would show.
        var r = await ToolOutput.Run(_dir, "bench", "train", "--hidden", "512", "--heads", "8", "--kv-heads", "2", "--inter", "1376",
            "--vocab", "32000", "--dtype", "bf16", "--optimizer", "adamw_8bit", "--batch", "8", "--seq", "64", "--steps", "3", "--warmup", "0",
            "--threads", "1", "--json");
        Assert.True(r.ExitCode == 0, r.StandardError);
        var json = JsonNode.Parse(Assert.Single(r.OutputLines))!;
        Assert.Equal("bf16-mixed", (string)json["dtype"]!);
        double planned = (double)json["planned_peak_mb"]!, measured = (double)json["peak_rss_mb"]!;
        Assert.True(Math.Abs(planned - measured) / measured < 0.15, $"planned {planned:0} MB, measured {measured:0} MB");
    }

    [Fact]
    public async Task Bench_train_dry_run_plans_bf16_mixed_peak_at_the_optimizer_step_by_hand_numbers()
    {
        // 3,027,200 parameters. End of backward: bf16 weights and gradients 2 bytes each, fp32 masters 4, AdamW 8,
        // plus activations and head. At the step the activations and head are gone and every gradient has an
        // fp32 copy (4 bytes) beside one bf16 gradient, the largest tensor: the 1,000 x 256 embedding (2 bytes each).
        var r = await ToolOutput.Run(_dir, "bench", "train", "--preset", "tiny", "--dtype", "bf16", "--batch", "2", "--seq", "32", "--dry-run", "--json");
        Assert.True(r.ExitCode == 0, r.StandardError);
        var json = JsonNode.Parse(Assert.Single(r.OutputLines))!;
        const double MiB = 1048576.0;
        Assert.Equal(3_027_200 * 2 / MiB, (double)json["gradients_mb"]!, 6);
        Assert.Equal(3_027_200 * 4 / MiB, (double)json["fp32_step_gradients_mb"]!, 6);
        Assert.Equal((3_027_200 * (2 + 4 + 8 + 4) + 1_000 * 256 * 2) / MiB, (double)json["optimizer_step_mb"]!, 6);
        Assert.Equal(Math.Max((double)json["end_of_backward_mb"]!, (double)json["optimizer_step_mb"]!), (double)json["total_mb"]!, 6);
    }
}
