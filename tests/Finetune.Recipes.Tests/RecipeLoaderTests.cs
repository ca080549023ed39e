namespace Finetune.Recipes.Tests;

/// <summary>Whole-file behaviour: all errors at once, the exception, the diagnostic line format.</summary>
public sealed class RecipeLoaderTests
{
    private const string Broken = """
        name: t
        model: { path: m, dtype: fp64 }
        tokens:
          add: ["<a>", "<a>"]
        seed:
          strategy: copy
        train:
          learning_rate: -1
          epochs: 2
          epochs: 3
          warmup: 0.1
        """;

    [Fact]
    public void Every_error_in_a_file_is_reported_in_file_order()
    {
        Assert.Equal(
            [
                "r.yaml:2:26: error FT007: `model.dtype` must be one of fp32, bf16, f16, got `fp64` (did you mean `fp32`?)",
                "r.yaml:4:16: error FT011: `tokens.add[1]` repeats `<a>` (first given at line 4, column 9)",
                "r.yaml:6:13: error FT010: `seed.strategy: copy` needs `seed.from` (name the existing token to copy, e.g. from: \"<|start_header_id|>\")",
                "r.yaml:8:18: error FT006: `train.learning_rate` must be > 0, got `-1`",
                "r.yaml:10:3: error FT003: duplicate key `epochs` in `train` (first given at line 9, column 3)",
                "r.yaml:11:3: error FT002: unknown key `warmup` in `train` (did you mean `warmup_ratio`?)",
            ],
            RecipeText.Errors(Broken));
    }

    [Fact]
    public void Load_throws_with_every_diagnostic_and_a_one_line_message()
    {
        var file = Path.Combine(Finetune.Testing.TestPaths.NewTempDir(), "r.yaml");
        File.WriteAllText(file, Broken);
        var ex = Assert.Throws<RecipeException>(() => RecipeLoader.Load(file, new RecipeLoadOptions { CheckPaths = false }));
        Assert.Equal(6, ex.Diagnostics.Count);
        Assert.Equal($"{file}:2:26: error FT007: `model.dtype` must be one of fp32, bf16, f16, got `fp64` (did you mean `fp32`?) (and 5 more)", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Load_checks_paths_by_default()
    {
        var file = Path.Combine(Finetune.Testing.TestPaths.NewTempDir(), "r.yaml");
        File.WriteAllText(file, RecipeText.Minimal);
        var ex = Assert.Throws<RecipeException>(() => RecipeLoader.Load(file));
        Assert.Equal(ErrorCodes.MissingPath, Assert.Single(ex.Diagnostics).Code);
    }

    [Fact]
    public void Diagnostic_line_omits_a_missing_hint()
    {
        Assert.Equal("a.yaml:3:5: error FT006: bad", new RecipeDiagnostic("a.yaml", 3, 5, "FT006", "bad", null).ToString());
        Assert.Equal("a.yaml:3:5: error FT006: bad (try this)", new RecipeDiagnostic("a.yaml", 3, 5, "FT006", "bad", "try this").ToString());
    }

    [Fact]
    public void Anchors_and_aliases_are_followed()
    {
        var recipe = RecipeText.Load("name: t\nmodel: { path: m }\ntokens: { add: &tok [\"<a>\"] }\nevaluate: { prompts: *tok }\n");
        Assert.Equal(["<a>"], recipe.Evaluate.Prompts);
    }

    [Fact]
    public void Explicit_string_tag_makes_a_number_a_string()
    {
        var errors = RecipeText.Errors(RecipeText.Minimal + "train: { epochs: !!str 2 }\n");
        Assert.Equal(["r.yaml:3:18: error FT004: `train.epochs` must be an integer, got string \"2\" (remove the quotes)"], errors);
    }

    [Fact]
    public void Error_codes_are_documented_in_ERRORS_md()
    {
        var doc = File.ReadAllText(Path.Combine(Finetune.Testing.TestPaths.RepoRoot, "recipes", "ERRORS.md"));
        var codes = typeof(ErrorCodes).GetFields().Select(f => (string)f.GetValue(null)!).ToList();
        Assert.Equal(13, codes.Count);
        foreach (var code in codes)
            Assert.Contains($"| {code} |", doc, StringComparison.Ordinal);
    }

    [Fact]
    public void Alias_bomb_is_refused()
    {
        var yaml = "name: t\nmodel: { path: m }\nevaluate:\n  prompts: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
        for (var i = 1; i <= 6; i++)
            yaml += $"x{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]\n";
        // Hand count: 12358 nodes up to x4's list, each *a3 adds 11111, so the 8th alias on line 8 (column 10 + 7 * 5) crosses 100000.
        Assert.Equal(["r.yaml:8:45: error FT001: the document has more than 100000 nodes (counting alias uses)"], RecipeText.Errors(yaml));
    }

    [Fact]
    public void Deep_nesting_is_refused()
    {
        var yaml = "name: t\nmodel: { path: m }\nx: " + new string('[', 100) + new string(']', 100) + "\n";
        Assert.Equal(["r.yaml:3:68: error FT001: nesting deeper than 64 levels"], RecipeText.Errors(yaml));
    }

    [Fact]
    public void An_error_reached_through_two_aliases_is_reported_once()
    {
        var yaml = "name: t\nmodel: { path: m }\nevaluate: { prompts: &p [\"\"] }\nx: *p\n";
        Assert.Equal(
            [
                "r.yaml:3:26: error FT011: `evaluate.prompts[0]` is empty",
                "r.yaml:4:1: error FT002: unknown key `x` (known keys: name, model, tokens, seed, data, train, evaluate, export)",
            ],
            RecipeText.Errors(yaml));
    }
}
