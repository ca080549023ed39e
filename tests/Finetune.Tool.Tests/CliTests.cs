using Finetune.Testing;

namespace Finetune.Tool.Tests;

/// <summary>The command-line contract, driven out of process: exit codes, one-line errors, plan output.</summary>
public sealed class CliTests
{
    private readonly string _dir = TestPaths.NewTempDir();

    /// <summary>A recipe over the tiny model (plan's preflight reads its config and tokenizer) and ten rows of data.</summary>
    private string WriteRecipe(string learningRate = "1.0e-5")
    {
        var model = Path.Combine(TestPaths.RepoRoot, "recipes", "models", "tiny-llama");
        File.WriteAllText(Path.Combine(_dir, "rows.jsonl"), string.Concat(Enumerable.Repeat("{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"assistant\", \"content\": \"b\"}]}\n", 10)));
        var recipe = Path.Combine(_dir, "r.yaml");
        File.WriteAllText(recipe, $"""
            # a test recipe
            name: cli-test
            model: {"{"} path: {model} {"}"}
            tokens: {"{"} add: ["<think>", "</think>"] {"}"}
            data:
              path: rows.jsonl
            train:
              learning_rate: {learningRate}
              max_seq_length: 256
            """);
        return recipe;
    }

    [Fact]
    public async Task Help_lists_the_commands_and_exits_zero()
    {
        var r = await ToolProcess.Run(_dir, "--help");
        Assert.Equal(0, r.ExitCode);
        foreach (var command in new[] { "run", "plan", "validate", "cache" })
            Assert.Contains(command, r.StandardOutput);
    }

    [Fact]
    public async Task Validate_prints_every_error_on_its_own_line_and_exits_one()
    {
        var bad = Path.Combine(_dir, "bad.yaml");
        File.WriteAllText(bad, "name: x\nmodel: { path: nowhere }\ntrain:\n  epochz: 2\n");
        var r = await ToolProcess.Run(_dir, "validate", "bad.yaml");
        Assert.Equal(1, r.ExitCode);
        var lines = r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("bad.yaml:2:16: error FT", lines[0]); // the missing model path, column counted by hand
        Assert.StartsWith("bad.yaml:4:3: error FT", lines[1]);  // the unknown key `epochz`
        Assert.Contains("epochs", lines[1]);
    }

    [Fact]
    public async Task Unknown_option_is_a_user_error_without_a_stack_trace()
    {
        var r = await ToolProcess.Run(_dir, "plan", "--bogus");
        Assert.Equal(1, r.ExitCode);
        Assert.DoesNotContain("   at ", r.StandardError);
    }

    [Fact]
    public async Task Missing_recipe_is_one_line_exit_one()
    {
        var r = await ToolProcess.Run(_dir, "run", "missing.yaml");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("missing.yaml:1:1: error FT013: recipe file not found", r.StandardError.Trim());
    }

    [Fact]
    public async Task Plan_shows_keys_and_why_each_stage_would_run()
    {
        WriteRecipe();
        var r = await ToolProcess.Run(_dir, "plan", "r.yaml", "--json");
        Assert.True(r.ExitCode == 0, r.StandardError);
        var lines = r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(7, lines.Length);
        var first = System.Text.Json.Nodes.JsonNode.Parse(lines[0])!;
        Assert.Equal("tokenize", (string)first["stage"]!);
        Assert.Equal(64, ((string)first["key"]!).Length);
        Assert.False((bool)first["cached"]!);
        Assert.Equal("""{"kind":"missing","key":"(lock)","before":null,"after":null}""", first["reasons"]![0]!.ToJsonString());
        Assert.Equal(["tokenize", "resize", "seed", "map", "train", "evaluate", "export"],
            lines.Select(l => (string)System.Text.Json.Nodes.JsonNode.Parse(l)!["stage"]!).ToArray());
    }

    [Fact]
    public async Task Plan_against_another_lock_says_what_differs_from_that_run()
    {
        WriteRecipe();
        // Another run's lock that recorded tokenize with no values and no files.
        File.WriteAllText(Path.Combine(_dir, "other.lock"), """
            {"stages": {"tokenize": {"key": "0", "inputs": {"stage": "tokenize", "version": 1, "params": {}, "upstream": {}, "files": {}}}}}
            """);
        var r = await ToolProcess.Run(_dir, "plan", "r.yaml", "--against", "other.lock");
        Assert.True(r.ExitCode == 0, r.StandardError);
        var tokenize = r.StandardOutput.Split('\n').Single(l => l.StartsWith("tokenize"));
        Assert.Contains("will run: seed.from (absent) -> null; seed.probe (absent) -> null;", tokenize);
        Assert.EndsWith("file model/tokenizer.json added; file model/tokenizer_config.json added", tokenize);
        Assert.Contains("tokens.add (absent) -> [\"<think>\",\"</think>\"]", tokenize);
        Assert.Contains("resize", r.StandardOutput);
        Assert.Contains("no previous run recorded", r.StandardOutput.Split('\n').Single(l => l.StartsWith("resize")));

        var missing = await ToolProcess.Run(_dir, "plan", "r.yaml", "--against", "nope.lock");
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal("error: nope.lock: lock file not found (--against takes the .lock file another recipe's run wrote beside it)", missing.StandardError.Trim());
    }

    [Fact]
    public async Task Cache_ls_on_an_empty_store_prints_nothing()
    {
        var r = await ToolProcess.Run(_dir, "cache", "ls", "--store", "s");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.StandardOutput);
    }

    [Fact]
    public async Task Schema_command_prints_the_checked_in_schema()
    {
        var r = await ToolProcess.Run(_dir, "schema");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "recipes", "recipe.schema.json")), r.StandardOutput);
    }
}
