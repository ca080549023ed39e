using System.Buffers.Binary;
using System.Text.Json.Nodes;
using Finetune.Pipeline.Evaluation;
using Finetune.Testing;
using SkiaSharp;

namespace Finetune.Pipeline.Tests.Evaluation;

public sealed class EvalOutputTests
{
    private static readonly EvalPrompt Free = new("prompt", "Tom has 4 balls. He finds 3. How many?", [1, 2], null);
    private static readonly EvalPrompt Test = new("test", "Sam has 13 blocks | loses 11?", [1, 3], "2");

    private static ModelScores Before() => new(2.5, Math.Exp(2.5), 120,
        [new TokenScore("<think>", 10, 4, 0.0, 37.5), new TokenScore("</think>", 11, 0, null, null)],
        [0.001, 0.0002],
        [
            new GeneratedAnswer(Free, [5, 6], "Tom has", new CompletionCheck(false, true, false, null, null)),
            new GeneratedAnswer(Test, [5, 9], "2", new CompletionCheck(false, true, true, null, false)),
        ]);

    private static ModelScores After() => new(0.5, Math.Exp(0.5), 120,
        [new TokenScore("<think>", 10, 4, 1.0, 1.0), new TokenScore("</think>", 11, 0, null, null)],
        [0.9, 0.01],
        [
            new GeneratedAnswer(Free, [10, 7, 11, 12, 8, 13, 9], "<think>4 plus 3\nis 7</think><answer>7</answer>", new CompletionCheck(true, true, true, "7", null)),
            new GeneratedAnswer(Test, [10, 7, 11, 12, 8, 13, 9], "<think>13 minus 11</think><answer>2</answer>", new CompletionCheck(true, true, true, "2", true)),
        ]);

    [Fact]
    public void Fractions_count_only_the_completions_a_check_applies_to()
    {
        var after = After();
        Assert.Equal(1.0, after.FormatCompliance);
        Assert.Equal(1.0, after.AnswerExactMatch);              // one of one test answers; the free prompt has none
        Assert.Equal(0.5, Before().StopWithinBudget);
        Assert.Equal(0.0, Before().AnswerExactMatch);
        Assert.Null((Before() with { Answers = [Before().Answers[0]] }).AnswerExactMatch);
    }

    [Fact]
    public void Eval_json_has_every_documented_key_with_before_and_after()
    {
        var json = EvalJson.Build(Before(), After());
        string[] keys = ["eval_loss", "perplexity", "eval_tokens", "format_compliance", "tag_balance", "stop_within_budget", "answer_exact_match", "new_token_accuracy", "probe"];
        Assert.Equal(keys, json.Select(kv => kv.Key));
        foreach (var (_, value) in json)
            Assert.Equal(["before", "after"], value!.AsObject().Select(kv => kv.Key));

        Assert.Equal(2.5, (double)json["eval_loss"]!["before"]!);
        Assert.Equal(0.0, (double)json["format_compliance"]!["before"]!);
        Assert.Equal(1.0, (double)json["answer_exact_match"]!["after"]!);
        var think = json["new_token_accuracy"]!["after"]!["<think>"]!.AsObject();
        Assert.Equal(["accuracy", "mean_rank", "count"], think.Select(kv => kv.Key));
        Assert.Equal(4, (long)think["count"]!);
        Assert.Null(json["new_token_accuracy"]!["before"]!["</think>"]!["accuracy"]);
        Assert.Equal(0.9, (double)json["probe"]!["after"]!["<think>"]!);
        Assert.Null(EvalJson.Build(Before() with { Probe = null }, After() with { Probe = null })["probe"]!["before"]);
    }

    [Fact]
    public void Samples_pair_the_two_completions_of_each_prompt()
    {
        var lines = EvalJson.Samples(Before(), After()).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal("test", (string)lines[1]["source"]!);
        Assert.Equal("2", (string)lines[1]["expected"]!);
        Assert.Equal("2", (string)lines[1]["before"]!["completion"]!);
        Assert.False((bool)lines[1]["before"]!["answer_matches"]!);
        Assert.True((bool)lines[1]["after"]!["answer_matches"]!);
        Assert.Null(lines[0]["expected"]);
        Assert.Equal(7, (int)lines[0]["after"]!["tokens"]!);
    }

    [Fact]
    public void Report_has_the_before_after_tables_the_plot_and_escaped_samples()
    {
        var md = EvalReport.Render("demo", Before(), After(), Probe(), "loss.png");
        Assert.Contains("| metric | before | after |", md);
        Assert.Contains("| eval loss | 2.500 | 0.500 |", md);
        Assert.Contains("| format compliance | 0.0% | 100.0% |", md);
        Assert.Contains("| answer exact match | 0.0% | 100.0% |", md);
        Assert.Contains("| stop within budget | 50.0% | 100.0% |", md);
        Assert.Contains("![loss](loss.png)", md);
        Assert.Contains("| `<think>` | 4 | 0.0% | 100.0% | 37.500 | 1.000 |", md);
        Assert.Contains("| `</think>` | 0 | n/a | n/a | n/a | n/a |", md);
        Assert.Contains("| `<think>` | 0.001000 | 0.900000 |", md);
        // tags show as text, newlines stay inside the cell, a pipe in a question does not split the table
        Assert.Contains("&lt;think&gt;4 plus 3<br>is 7&lt;/think&gt;&lt;answer&gt;7&lt;/answer&gt;", md);
        Assert.Contains("**Sam has 13 blocks \\| loses 11?** (expected: 2)", md);
        Assert.Equal("*(whitespace only: 3 characters)*", EvalReport.Cell("\n \n"));
    }

    /// <summary>The original's moment: P(reference) 0.99997 before seeding, 4 copies on a tied head.</summary>
    private static SeedProbe Probe() => new("Why?", "copy", Tied: true, "<|start_header_id|>", 9,
        [new("<think>", 20, "Copy", [9]), new("</think>", 21, "Copy", [9]), new("<answer>", 22, "Copy", [9]), new("</answer>", 23, "Copy", [9])],
        [
            new("after_user_turn", [("<think>", 0.0000001, 0.199994), ("</think>", 0.0000001, 0.199994), ("<answer>", 0.0000001, 0.199994),
                ("</answer>", 0.0000001, 0.199994), ("<|start_header_id|>", 0.99997, 0.199994)]),
            new("after_generation_prompt", [("<think>", 0.001, 0.0012), ("</think>", 0.001, 0.0012), ("<answer>", 0.001, 0.0012),
                ("</answer>", 0.001, 0.0012), ("<|start_header_id|>", 0.0002, 0.0012)]),
        ]);

    [Fact]
    public void Expected_copy_probability_is_p_over_one_plus_n_p()
    {
        Assert.Equal(0.1999988, SeedProbe.ExpectedCopyProbability(0.99997, 4), 7);  // 0.99997 / 4.99988 = 0.19999880 (the original measured 0.199994)
        Assert.Equal(0.5, SeedProbe.ExpectedCopyProbability(1.0, 1), 12);
        Assert.Equal(0.1 / 1.2, SeedProbe.ExpectedCopyProbability(0.1, 2), 12);
    }

    [Fact]
    public void Report_shows_each_probe_position_with_the_expected_value_beside_the_measured_one()
    {
        var md = EvalReport.Render("demo", Before(), After(), Probe(), "loss.png", "after_user_turn");
        Assert.Contains("**after_user_turn**\n\n| token | before seeding | after seeding | expected after |", md);
        Assert.Contains("| `<think>` | 0.000000 | 0.199994 | 0.199999 |", md);              // 0.99997 / 4.99988 = 0.1999988
        Assert.Contains("| `<|start_header_id|>` | 0.999970 | 0.199994 | 0.199999 |", md);
        Assert.Contains("**after_generation_prompt**", md);
        Assert.Contains("| `<think>` | 0.001000 | 0.001200 | 0.000200 |", md);              // 0.0002 / 1.0008 = 0.00019984
        Assert.Contains("ending after_user_turn", md);
    }

    [Fact]
    public void Probe_json_round_trips_in_the_shape_ci_reads()
    {
        var path = Path.Combine(TestPaths.NewTempDir(), "probe.json");
        File.WriteAllText(path, Probe().ToJson().ToJsonString());
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
        Assert.Equal("Why?", (string)json["prompt"]!);
        Assert.Equal(0.99997, (double)json["positions"]![0]!["probabilities"]!["<|start_header_id|>"]!["before"]!);
        Assert.Equal(0.199994, (double)json["positions"]![0]!["probabilities"]!["<think>"]!["after"]!);
        Assert.Equal("after_generation_prompt", (string)json["positions"]![1]!["name"]!);
        var read = SeedProbe.Read(path)!;
        Assert.Equal(Probe().Positions[1].Probabilities, read.Positions[1].Probabilities);
        Assert.Equal(0.99997 / (1 + 4 * 0.99997), read.Expected(read.Positions[0])["<answer>"], 12);
    }

    [Fact]
    public void Report_cells_collapse_runs_of_line_breaks_and_cut_long_text()
    {
        Assert.Equal("a<br>b<br><br>c *(4 line breaks)* d", EvalReport.Cell("a\nb\r\n\nc\n\n\n\nd"));
        var cut = EvalReport.Cell(new string('x', EvalReport.MaxCellCharacters + 50));
        Assert.Equal(new string('x', EvalReport.MaxCellCharacters) + "…", cut);
    }

    [Fact]
    public void Loss_plot_is_a_png_of_the_set_size_with_a_falling_train_curve()
    {
        var path = Path.Combine(TestPaths.NewTempDir(), "loss.png");
        var train = Enumerable.Range(0, 41).Select(i => ((long)(i * 5), 4.0 * Math.Exp(-i / 10.0) + 0.2)).ToList();
        var eval = new List<(long, double)> { (50, 1.5), (100, 0.9), (150, 0.6), (200, 0.5) };
        LossPlot.Write(path, LossCurves.Of(new MetricsHistory(train, eval), null, []), "demo: loss");

        var bytes = File.ReadAllBytes(path);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], bytes[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        Assert.Equal(LossPlot.Width, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
        Assert.Equal(LossPlot.Height, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));

        // Decode it and find the curves by colour: ScottPlot's first two palette colours (#1f77b4 train, #ff7f0e eval).
        using var bitmap = SKBitmap.Decode(path);
        Assert.Equal((LossPlot.Width, LossPlot.Height), (bitmap.Width, bitmap.Height));
        var trainPixels = Pixels(bitmap, new SKColor(0x1f, 0x77, 0xb4));
        var evalPixels = Pixels(bitmap, new SKColor(0xff, 0x7f, 0x0e));
        Assert.True(trainPixels.Count > 300, $"{trainPixels.Count} train-curve pixels");
        Assert.True(evalPixels.Count > 50, $"{evalPixels.Count} eval-marker pixels");
        // falling loss: the curve's left end sits higher on the image (smaller y) than its middle (the legend is top right)
        var left = trainPixels.Where(p => p.X < trainPixels.Min(q => q.X) + 20).Average(p => p.Y);
        var middle = trainPixels.Where(p => Math.Abs(p.X - LossPlot.Width / 2) < 20).Average(p => p.Y);
        Assert.True(left < middle - 100, $"left end y {left}, middle y {middle}");
    }

    [Fact]
    public void Loss_curves_start_eval_at_step_0_with_the_loss_before_training_and_mark_inner_epoch_ends()
    {
        var history = new MetricsHistory([(10L, 3.5), (20L, 2.5), (30L, 2.0)], [(20L, 2.75), (30L, 2.125)]);
        var curves = LossCurves.Of(history, 4.25, [14, 30]);   // 30 is the last step: the run's end, not a boundary
        Assert.Equal([(10L, 3.5), (20L, 2.5), (30L, 2.0)], curves.Train);
        Assert.Equal([(0L, 4.25), (20L, 2.75), (30L, 2.125)], curves.Eval);
        Assert.Equal([14L], curves.EpochEnds);

        var noBefore = LossCurves.Of(history, double.NaN, []);
        Assert.Equal([(20L, 2.75), (30L, 2.125)], noBefore.Eval);
        Assert.Empty(noBefore.EpochEnds);
    }

    [Fact]
    public void Loss_plot_draws_epoch_ends_as_grey_dashed_lines()
    {
        var dir = TestPaths.NewTempDir();
        var train = Enumerable.Range(1, 40).Select(i => ((long)(i * 5), 4.0 * Math.Exp(-i / 10.0) + 0.2)).ToList();
        var history = new MetricsHistory(train, [(100L, 0.9), (200L, 0.5)]);
        LossPlot.Write(Path.Combine(dir, "with.png"), LossCurves.Of(history, 4.5, [67, 134, 200]), "demo: loss");
        LossPlot.Write(Path.Combine(dir, "without.png"), LossCurves.Of(history, 4.5, []), "demo: loss");
        using var with = SKBitmap.Decode(Path.Combine(dir, "with.png"));
        using var without = SKBitmap.Decode(Path.Combine(dir, "without.png"));
        var grey = new SKColor(0x80, 0x80, 0x80);
        // two inner boundaries (200 is the end) of dashed 1-pixel lines over the data area's height: many grey pixels more
        int added = Pixels(with, grey).Count - Pixels(without, grey).Count;
        Assert.True(added > 200, $"{added} more grey pixels with the epoch lines");
    }

    [Fact]
    public void Metrics_history_reads_train_and_eval_lines()
    {
        var path = Path.Combine(TestPaths.NewTempDir(), "metrics.jsonl");
        File.WriteAllText(path, """
            {"step":10,"epoch":0.1,"loss":3.5,"lr":0.001,"grad_norm":1.0,"tokens_per_s":10,"elapsed_s":1}
            {"step":20,"epoch":0.2,"loss":2.5,"lr":0.001,"grad_norm":1.0,"tokens_per_s":10,"elapsed_s":2}
            {"step":20,"eval_loss":2.75}

            """);
        var history = MetricsHistory.Read(path);
        Assert.Equal([(10L, 3.5), (20L, 2.5)], history.Train);
        Assert.Equal([(20L, 2.75)], history.Eval);
        Assert.Empty(MetricsHistory.Read(path + ".missing").Train);
    }

    private static List<(int X, int Y)> Pixels(SKBitmap bitmap, SKColor color)
    {
        var found = new List<(int, int)>();
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                if (Math.Abs(c.Red - color.Red) + Math.Abs(c.Green - color.Green) + Math.Abs(c.Blue - color.Blue) < 30) found.Add((x, y));
            }
        return found;
    }
}
