using Finetune.Testing;

namespace Finetune.Tool.Tests;

/// <summary>
/// What can be checked against the recipe, the model's config.json and tokenizer and the first data rows is
/// reported by <c>validate</c> (and by plan and run before any stage), at the recipe value at fault. Line and
/// column in the expectations are counted by hand on <see cref="Base"/>.
/// </summary>
public sealed class PreflightTests
{
    private static readonly string Model = Path.Combine(TestPaths.RepoRoot, "recipes", "models", "tiny-llama");
    private static readonly string Data = Path.Combine(TestPaths.RepoRoot, "recipes", "data", "demo-reasoning.jsonl");
    private readonly string _dir = TestPaths.NewTempDir();

    /// <summary>A valid recipe over the tiny model (tied head, max_position_embeddings 512) and the demo data.</summary>
    private static string[] Base() =>
    [
        "name: pf",                                                          // 1
        "model:",                                                            // 2
        $"  path: {Model}",                                                  // 3
        "  device: cpu",                                                     // 4
        "tokens:",                                                           // 5
        "  add: [\"<think>\", \"</think>\"]",                                // 6
        "seed:",                                                             // 7
        "  strategy: copy",                                                  // 8
        "  from: \"<|start_header_id|>\"",                                   // 9
        "  rows: [input, output]",                                           // 10
        "data:",                                                             // 11
        $"  path: {Data}",                                                   // 12
        "  take: 40",                                                        // 13
        "  messages:",                                                       // 14
        "    - { role: user, content: \"{{ instruction }}\" }",              // 15
        "    - { role: assistant, content: \"{{ output }}\" }",              // 16
        "train:",                                                            // 17
        "  batch_size: 4",                                                   // 18
        "  max_seq_length: 256",                                             // 19
        "export:",                                                           // 20
        "  format: hf",                                                      // 21
        "  path: out",                                                       // 22
    ];

    private async Task<string[]> Validate(int line, string text)
    {
        var lines = Base();
        lines[line - 1] = text;
        File.WriteAllLines(Path.Combine(_dir, "r.yaml"), lines);
        var r = await ToolProcess.Run(_dir, "validate", "r.yaml");
        var output = r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(r.ExitCode == 1, $"exit {r.ExitCode}: {r.StandardOutput}{r.StandardError}");
        return output;
    }

    [Fact]
    public async Task The_base_recipe_passes()
    {
        File.WriteAllLines(Path.Combine(_dir, "r.yaml"), Base());
        var r = await ToolProcess.Run(_dir, "validate", "r.yaml");
        Assert.True(r.ExitCode == 0, r.StandardOutput + r.StandardError);
        Assert.Equal("r.yaml: ok", r.StandardOutput.Trim());
    }

    [Fact]
    public async Task Unsupported_export_format()
    {
        var line = Assert.Single(await Validate(21, "  format: gguf"));
        Assert.Equal("r.yaml:21:11: error FT101: `export.format: gguf` is not supported by this build (supported: hf)", line);
    }

    [Fact]
    public async Task Cuda_without_cuda()
    {
        var line = Assert.Single(await Validate(4, "  device: cuda"));
        Assert.StartsWith("r.yaml:4:11: error FT102: `model.device: cuda`, but no CUDA device is available", line);
    }

    [Fact]
    public async Task Seeding_only_the_output_rows_of_a_tied_model()
    {
        var line = Assert.Single(await Validate(10, "  rows: [output]"));
        Assert.StartsWith("r.yaml:10:9: error FT103: `seed.rows: [output]`, but the model ties its output head", line);
    }

    [Fact]
    public async Task A_token_the_tokenizer_already_has()
    {
        // <|start_header_id|> is id 679 in recipes/models/tiny-llama/tokenizer.json's added_tokens.
        var line = Assert.Single(await Validate(6, "  add: [\"<think>\", \"<|start_header_id|>\"]"));
        Assert.StartsWith("r.yaml:6:20: error FT104: `tokens.add[1]` `<|start_header_id|>` is already in the model's tokenizer (id 679)", line);
    }

    [Fact]
    public async Task A_token_the_tokenizer_already_has_passes_with_if_exists_reuse()
    {
        var lines = Base();
        lines[5] = "  add: [\"<think>\", \"<|start_header_id|>\"]\n  if_exists: reuse";
        File.WriteAllLines(Path.Combine(_dir, "r.yaml"), lines);
        var r = await ToolProcess.Run(_dir, "validate", "r.yaml");
        Assert.True(r.ExitCode == 0, r.StandardOutput + r.StandardError);
        Assert.Equal("r.yaml: ok", r.StandardOutput.Trim());
    }

    [Fact]
    public async Task A_sequence_longer_than_the_model_allows()
    {
        var line = Assert.Single(await Validate(19, "  max_seq_length: 1024"));
        Assert.Equal("r.yaml:19:19: error FT105: `train.max_seq_length` is 1024, above the model's max_position_embeddings 512 (use at most 512)", line);
    }

    [Fact]
    public async Task A_batch_larger_than_the_training_rows()
    {
        // take 40, test_fraction 0.1: ceil(4.0) = 4 test rows, 36 training rows.
        var line = Assert.Single(await Validate(18, "  batch_size: 37"));
        Assert.Equal("r.yaml:18:15: error FT106: `train.batch_size` is 37, larger than the 36 training rows (40 rows after take, 4 for the test split) (use at most 36, or more data)", line);
    }

    [Fact]
    public async Task A_message_template_that_does_not_parse()
    {
        // The recipe loader parses message templates itself (FT012), before the preflight (FT107 stays for other callers).
        var line = Assert.Single(await Validate(15, "    - { role: user, content: \"{{ instruction }\" }"));
        Assert.StartsWith("r.yaml:15:30: error FT012: `data.messages", line);
    }

    [Fact]
    public async Task A_message_template_naming_a_column_the_data_lacks()
    {
        var line = Assert.Single(await Validate(16, "    - { role: assistant, content: \"{{ answer }}\" }"));
        Assert.Equal($"r.yaml:16:35: error FT108: `data.messages[1].content` reads column `answer`, which the first data row ({Data}: line 1) does not have (columns: instruction, reasoning, output)", line);
    }

    [Fact]
    public async Task Export_into_the_recipe_folder()
    {
        var line = Assert.Single(await Validate(22, "  path: ."));
        Assert.Equal($"r.yaml:22:9: error FT109: `export.path` cannot be published: {_dir}: refusing to publish into the recipe's folder itself", line);
    }

    [Fact]
    public async Task Export_into_a_folder_with_a_foreign_file()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "mine"));
        File.WriteAllText(Path.Combine(_dir, "mine", "notes.txt"), "keep me");
        var line = Assert.Single(await Validate(22, "  path: mine"));
        Assert.Equal($"r.yaml:22:9: error FT109: `export.path` cannot be published: {Path.Combine(_dir, "mine")}: the folder holds notes.txt, which this tool did not write; publish into a new or empty folder (the tool never deletes files it did not write)", line);
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(_dir, "mine", "notes.txt")));
    }

    [Fact]
    public async Task A_file_where_the_recipe_lock_goes_that_the_tool_did_not_write()
    {
        File.WriteAllText(Path.Combine(_dir, "r.lock"), "my lock notes\n");
        var line = Assert.Single(await Validate(1, "name: pf"));
        Assert.Equal($"r.yaml:1:1: error FT111: {Path.Combine(_dir, "r.lock")} exists but is not a lock file this tool wrote; a run records its keys there and never overwrites a file it did not write (move that file away, or rename the recipe)", line);
        Assert.Equal("my lock notes\n", File.ReadAllText(Path.Combine(_dir, "r.lock")));
    }

    [Fact]
    public async Task Run_and_plan_stop_before_any_work_and_touch_nothing()
    {
        var lines = Base();
        lines[21] = "  path: .";
        File.WriteAllLines(Path.Combine(_dir, "r.yaml"), lines);
        foreach (var command in new[] { "run", "plan" })
        {
            var r = await ToolProcess.Run(_dir, command, "r.yaml", "--store", "store");
            Assert.Equal(1, r.ExitCode);
            Assert.Equal($"r.yaml:22:9: error FT109: `export.path` cannot be published: {_dir}: refusing to publish into the recipe's folder itself", r.StandardError.Trim());
        }
        Assert.Equal(["r.yaml"], Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName));
    }
}
