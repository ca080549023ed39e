namespace Finetune.Recipes.Tests;

/// <summary>Each error class: exact line, column, code, message and hint (positions counted by hand).</summary>
public sealed class RecipeErrorTests
{
    private static IReadOnlyList<string> Errors(string yaml, bool checkPaths = false) => RecipeText.Errors(yaml, checkPaths);

    [Fact]
    public void Unknown_key_suggests_the_closest_key()
    {
        var errors = Errors(RecipeText.Minimal + "train:\n  learnin_rate: 1e-5\n");
        Assert.Equal(["r.yaml:4:3: error FT002: unknown key `learnin_rate` in `train` (did you mean `learning_rate`?)"], errors);
    }

    [Fact]
    public void Unknown_top_level_key_suggests_the_section()
    {
        var errors = Errors("name: t\nmodle: { path: m }\nmodel: { path: m }\n");
        Assert.Equal(["r.yaml:2:1: error FT002: unknown key `modle` (did you mean `model`?)"], errors);
    }

    [Fact]
    public void Misspelt_required_key_is_reported_once()
    {
        var errors = Errors("name: t\nmodle: { path: m }\n");
        Assert.Equal(["r.yaml:2:1: error FT002: unknown key `modle` (did you mean `model`?)"], errors);
    }

    [Fact]
    public void Unknown_key_without_a_close_match_lists_the_known_keys()
    {
        var errors = Errors(RecipeText.Minimal + "data:\n  path: d\n  loss_on: all\n  messages:\n    - { role: user, content: x, colour: red }\n");
        Assert.Equal(["r.yaml:7:33: error FT002: unknown key `colour` in `data.messages[0]` (known keys: role, content)"], errors);
    }

    [Fact]
    public void Duplicate_key_points_at_the_second_and_names_the_first()
    {
        var errors = Errors(RecipeText.Minimal + "train:\n  epochs: 1\n  epochs: 2\n");
        Assert.Equal(["r.yaml:5:3: error FT003: duplicate key `epochs` in `train` (first given at line 4, column 3)"], errors);
    }

    [Fact]
    public void Duplicate_section_is_reported()
    {
        var errors = Errors(RecipeText.Minimal + "name: u\n");
        Assert.Equal(["r.yaml:3:1: error FT003: duplicate key `name` (first given at line 1, column 1)"], errors);
    }

    [Fact]
    public void Duplicate_key_in_a_string_map_is_reported()
    {
        var errors = Errors(RecipeText.Minimal + "data:\n  path: d\n  template_vars: { a: x, a: y }\n");
        Assert.Equal(["r.yaml:5:26: error FT003: duplicate key `a` in `data.template_vars` (first given at line 5, column 20)"], errors);
    }

    [Fact]
    public void Text_where_an_integer_belongs_is_a_type_error()
    {
        var errors = Errors(RecipeText.Minimal + "train:\n  epochs: two\n");
        Assert.Equal(["r.yaml:4:11: error FT004: `train.epochs` must be an integer, got `two`"], errors);
    }

    [Fact]
    public void Quoted_number_is_a_type_error_with_a_hint()
    {
        var errors = Errors(RecipeText.Minimal + "train:\n  learning_rate: \"1e-5\"\n");
        Assert.Equal(["r.yaml:4:18: error FT004: `train.learning_rate` must be a number, got string \"1e-5\" (remove the quotes)"], errors);
    }

    [Fact]
    public void Fraction_where_an_integer_belongs_is_a_type_error()
    {
        var errors = Errors(RecipeText.Minimal + "train: { batch_size: 2.5 }\n");
        Assert.Equal(["r.yaml:3:22: error FT004: `train.batch_size` must be an integer, got `2.5`"], errors);
    }

    [Fact]
    public void Yes_is_not_a_boolean()
    {
        var errors = Errors(RecipeText.Minimal + "tokens:\n  special: yes\n");
        Assert.Equal(["r.yaml:4:12: error FT004: `tokens.special` must be true or false, got `yes`"], errors);
    }

    [Fact]
    public void List_where_a_mapping_belongs_is_a_type_error()
    {
        var errors = Errors("name: t\nmodel: [m]\n");
        Assert.Equal(["r.yaml:2:8: error FT004: `model` must be a mapping, got a list"], errors);
    }

    [Fact]
    public void String_where_a_list_belongs_is_a_type_error()
    {
        var errors = Errors(RecipeText.Minimal + "tokens: { add: \"<think>\" }\n");
        Assert.Equal(["r.yaml:3:16: error FT004: `tokens.add` must be a list, got string \"<think>\""], errors);
    }

    [Fact]
    public void Null_for_a_non_nullable_key_is_a_type_error()
    {
        var errors = Errors(RecipeText.Minimal + "train:\n  epochs:\n");
        Assert.Equal(["r.yaml:4:10: error FT004: `train.epochs` must be an integer, got null"], errors);
    }

    [Fact]
    public void Recipe_that_is_a_list_is_a_type_error()
    {
        var errors = Errors("- name: t\n");
        Assert.Equal(["r.yaml:1:1: error FT004: a recipe must be a mapping of keys (name, model, ...), got a list"], errors);
    }

    [Fact]
    public void Missing_name_points_at_the_document_start()
    {
        var errors = Errors("\nmodel: { path: m }\n");
        Assert.Equal(["r.yaml:2:1: error FT005: missing required key `name`"], errors);
    }

    [Fact]
    public void Missing_paths_point_at_their_sections()
    {
        var errors = Errors("name: t\nmodel:\n  dtype: bf16\ndata:\n  take: 5\n");
        Assert.Equal(
            [
                "r.yaml:2:1: error FT005: missing required key `model.path`",
                "r.yaml:4:1: error FT005: missing required key `data.path`",
            ],
            errors);
    }

    [Fact]
    public void Missing_message_content_points_at_the_message()
    {
        var errors = Errors(RecipeText.Minimal + "data:\n  path: d\n  messages:\n    - role: user\n    - { role: assistant, content: a }\n");
        Assert.Equal(["r.yaml:6:7: error FT005: missing required key `data.messages[0].content`"], errors);
    }

    [Theory]
    [InlineData("train:\n  learning_rate: -1e-5\n", "r.yaml:4:18: error FT006: `train.learning_rate` must be > 0, got `-1e-5`")]
    [InlineData("train:\n  learning_rate: 0\n", "r.yaml:4:18: error FT006: `train.learning_rate` must be > 0, got `0`")]
    [InlineData("train:\n  epochs: 0\n", "r.yaml:4:11: error FT006: `train.epochs` must be >= 1, got `0`")]
    [InlineData("train:\n  batch_size: 0\n", "r.yaml:4:15: error FT006: `train.batch_size` must be >= 1 and <= 65536, got `0`")]
    [InlineData("train:\n  warmup_ratio: 1.0\n", "r.yaml:4:17: error FT006: `train.warmup_ratio` must be >= 0 and < 1, got `1.0`")]
    [InlineData("train:\n  max_grad_norm: -1\n", "r.yaml:4:18: error FT006: `train.max_grad_norm` must be >= 0, got `-1`")]
    [InlineData("data:\n  path: d\n  test_fraction: 1\n", "r.yaml:5:18: error FT006: `data.test_fraction` must be > 0 and < 1, got `1`")]
    [InlineData("data:\n  path: d\n  test_fraction: 0\n", "r.yaml:5:18: error FT006: `data.test_fraction` must be > 0 and < 1, got `0`")]
    [InlineData("tokens:\n  pad_to_multiple_of: 0\n", "r.yaml:4:23: error FT006: `tokens.pad_to_multiple_of` must be >= 1, got `0`")]
    [InlineData("train:\n  epochs: 3000000000\n", "r.yaml:4:11: error FT006: `train.epochs` is too large, got `3000000000` (at most 2147483647)")]
    public void Out_of_range_values_name_the_bound(string section, string expected)
    {
        Assert.Equal([expected], Errors(RecipeText.Minimal + section));
    }

    [Fact]
    public void Bad_enum_value_lists_the_allowed_ones_and_suggests()
    {
        var errors = Errors("name: t\nmodel: { path: m, dtype: fp16 }\n");
        Assert.Equal(["r.yaml:2:26: error FT007: `model.dtype` must be one of fp32, bf16, f16, got `fp16` (did you mean `f16`?)"], errors);
    }

    [Fact]
    public void Bad_enum_value_with_an_underscore_name()
    {
        var errors = Errors(RecipeText.Minimal + "train:\n  optimizer: adam8bit\n");
        Assert.Equal(["r.yaml:4:14: error FT007: `train.optimizer` must be one of adamw, adamw_8bit, got `adam8bit` (did you mean `adamw_8bit`?)"], errors);
    }

    [Fact]
    public void Bad_enum_value_in_a_list()
    {
        var errors = Errors(RecipeText.Minimal + "seed:\n  rows: [input, weights]\n");
        Assert.Equal(["r.yaml:4:17: error FT007: `seed.rows[1]` must be one of input, output, got `weights`"], errors);
    }

    [Fact]
    public void Paths_that_do_not_exist_are_reported_relative_to_the_recipe()
    {
        var dir = Finetune.Testing.TestPaths.NewTempDir();
        Directory.CreateDirectory(Path.Combine(dir, "models", "m"));
        var file = Path.Combine(dir, "r.yaml");
        File.WriteAllText(file, "name: t\nmodel: { path: models/m }\ndata:\n  path: data/x.jsonl\n  chat_template: t.jinja\n");
        var errors = RecipeLoader.TryLoad(file).Diagnostics.Select(d => d.ToString()).ToList();
        Assert.Equal(2, errors.Count);
        // data.path also says what it needs (HfCacheFolderTests checks that text)
        Assert.StartsWith($"{file}:4:9: error FT008: `data.path` does not exist: data/x.jsonl (resolved to {Path.Combine(dir, "data", "x.jsonl")}; paths are relative to the recipe file; it needs ", errors[0]);
        Assert.Equal($"{file}:5:18: error FT008: `data.chat_template` does not exist: t.jinja (resolved to {Path.Combine(dir, "t.jinja")}; paths are relative to the recipe file)", errors[1]);
    }

    [Fact]
    public void Existing_paths_and_chat_template_model_pass_the_path_check()
    {
        var dir = Finetune.Testing.TestPaths.NewTempDir();
        Directory.CreateDirectory(Path.Combine(dir, "models", "m"));
        Directory.CreateDirectory(Path.Combine(dir, "data"));
        File.WriteAllText(Path.Combine(dir, "data", "x.jsonl"), "{}\n");
        var file = Path.Combine(dir, "r.yaml");
        File.WriteAllText(file, "name: t\nmodel: { path: models/m }\ndata:\n  path: data/x.jsonl\n  chat_template: model\n");
        var result = RecipeLoader.TryLoad(file);
        Assert.Empty(result.Diagnostics);
        Assert.Equal(Path.Combine(dir, "data", "x.jsonl"), result.Recipe!.ResolvePath(result.Recipe.Data.Path!));
    }

    [Fact]
    public void Path_check_can_be_skipped()
    {
        Assert.Empty(Errors("name: t\nmodel: { path: nowhere }\n", checkPaths: false));
        Assert.Equal(
            ["r.yaml:2:16: error FT008: `model.path` does not exist: nowhere"],
            Errors("name: t\nmodel: { path: nowhere }\n", checkPaths: true).Select(e => e[..e.IndexOf(" (resolved", StringComparison.Ordinal)]));
    }

    [Fact]
    public void Invalid_regex_is_reported_with_the_regex_error()
    {
        var errors = Errors(RecipeText.Minimal + "evaluate:\n  expect_format: \"<think>(.+\"\n");
        Assert.Equal(["r.yaml:4:18: error FT009: `evaluate.expect_format` is not a valid regular expression: Invalid pattern '<think>(.+' at offset 10. Not enough )'s."], errors);
    }

    [Fact]
    public void Copy_strategy_needs_from()
    {
        var errors = Errors(RecipeText.Minimal + "seed:\n  strategy: copy\n");
        Assert.Equal(["r.yaml:4:13: error FT010: `seed.strategy: copy` needs `seed.from` (name the existing token to copy, e.g. from: \"<|start_header_id|>\")"], errors);
    }

    [Fact]
    public void From_without_copy_is_a_conflict()
    {
        var errors = Errors(RecipeText.Minimal + "seed:\n  from: x\n");
        Assert.Equal(["r.yaml:4:9: error FT010: `seed.from` is only used by `seed.strategy: copy`, but the strategy is `mean` (remove `from`, or use `seed.overrides` to copy rows for some tokens)"], errors);
    }

    [Fact]
    public void Override_of_a_token_not_added_is_a_conflict()
    {
        var errors = Errors(RecipeText.Minimal + "tokens:\n  add: [\"<a>\", \"<b>\"]\nseed:\n  overrides:\n    \"<a>\": x\n    \"<c>\": y\n");
        Assert.Equal(["r.yaml:8:5: error FT010: `seed.overrides` names `<c>`, which is not in `tokens.add` (new tokens: <a>, <b>)"], errors);
    }

    [Fact]
    public void Loss_on_assistant_needs_an_assistant_message()
    {
        var errors = Errors(RecipeText.Minimal + "data:\n  path: d\n  messages:\n    - { role: user, content: x }\n");
        Assert.Equal(["r.yaml:6:5: error FT010: `data.loss_on: assistant` needs a message with role `assistant` in `data.messages` (add the assistant message or set loss_on: all)"], errors);
        Assert.Empty(Errors(RecipeText.Minimal + "data:\n  path: d\n  loss_on: all\n  messages:\n    - { role: user, content: x }\n"));
    }

    [Fact]
    public void Token_entries_must_be_non_blank_and_distinct()
    {
        var errors = Errors(RecipeText.Minimal + "tokens:\n  add: [\"<think>\", \"\", \"  \", \"<think>\"]\n");
        Assert.Equal(
            [
                "r.yaml:4:20: error FT011: `tokens.add[1]` is empty",
                "r.yaml:4:24: error FT011: `tokens.add[2]` is only whitespace",
                "r.yaml:4:30: error FT011: `tokens.add[3]` repeats `<think>` (first given at line 4, column 9)",
            ],
            errors);
    }

    [Fact]
    public void Empty_seed_rows_are_reported()
    {
        var errors = Errors(RecipeText.Minimal + "seed:\n  rows: []\n");
        Assert.Equal(["r.yaml:4:9: error FT011: `seed.rows` is empty (list input and/or output)"], errors);
    }

    [Theory]
    [InlineData("train:\n  save: weekly\n", "r.yaml:4:9: error FT012: `train.save` must be `epoch`, `end` or `steps N` with N >= 1, got `weekly`")]
    [InlineData("train:\n  save: steps 0\n", "r.yaml:4:9: error FT012: `train.save` must be `epoch`, `end` or `steps N` with N >= 1, got `steps 0`")]
    [InlineData("export:\n  max_shard_size: 5 GBs\n", "r.yaml:4:19: error FT012: `export.max_shard_size` must be a size such as `5GB`, `500MB` or `2GiB` (units B, KB, MB, GB, TB, KiB, MiB, GiB, TiB), got `5 GBs`")]
    [InlineData("data:\n  path: d\n  template_vars: { 1x: a }\n", "r.yaml:5:20: error FT012: `data.template_vars` key `1x` is not a template variable name (use letters, digits and '_', not starting with a digit)")]
    public void Malformed_strings_are_reported(string section, string expected)
    {
        Assert.Equal([expected], Errors(RecipeText.Minimal + section));
    }

    [Fact]
    public void Name_must_be_usable_in_file_names()
    {
        var errors = Errors("name: my recipe\nmodel: { path: m }\n");
        Assert.Equal(["r.yaml:1:7: error FT012: `name` must start with a letter or digit and contain only letters, digits, '.', '_' and '-', got `my recipe`"], errors);
    }

    [Fact]
    public void Yaml_syntax_error_is_one_diagnostic_with_its_position()
    {
        var errors = Errors("name: t\nmodel: { path: m\n");
        Assert.Equal(["r.yaml:2:8: error FT001: this `{` is never closed: expected `,` or `}` before the next key or the end of the file"], errors);
    }

    [Fact]
    public void Unclosed_flow_list_mid_file_is_reported_where_it_opens()
    {
        // YamlDotNet's scanner throws InvalidOperationException here; the column of `[` is counted by hand.
        var errors = Errors("name: t\nmodel: { path: m }\ntrain:\n  epochs: [1\n  batch_size: 2\n");
        Assert.Equal(["r.yaml:4:11: error FT001: this `[` is never closed: expected `,` or `]` before the next key or the end of the file"], errors);
    }

    [Fact]
    public void Tab_indentation_is_reported_at_the_tab()
    {
        var errors = Errors("name: t\ntrain:\n  epochs: 2\nmodel:\n\tpath: m\n");
        Assert.Equal(["r.yaml:5:1: error FT001: a tab is used for indentation; YAML indents with spaces only"], errors);
    }

    [Fact]
    public void Unclosed_quote_is_said_in_our_words()
    {
        var errors = Errors("name: t\nmodel: { path: \"m }\n");
        Assert.Single(errors);
        Assert.Contains("error FT001: a quoted string is never closed", errors[0]);
        Assert.DoesNotContain("scalar", errors[0]);
    }

    [Fact]
    public void A_recipe_path_that_is_a_folder_says_so()
    {
        var dir = Directory.CreateTempSubdirectory("ft-recipe-dir").FullName;
        var result = RecipeLoader.TryLoad(dir);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal($"{dir}:1:1: error FT013: this is a folder, not a recipe file (give the path of a .yaml file)", d.ToString());
    }

    [Fact]
    public void Bad_indentation_is_a_syntax_error()
    {
        var errors = Errors("name: t\n  model: x\n");
        Assert.Equal(["r.yaml:2:8: error FT001: a `key:` where a value was expected (bad indentation, or a value containing `: ` that needs quotes)"], errors);
    }

    [Fact]
    public void Unknown_alias_is_a_syntax_error()
    {
        Assert.Equal(["r.yaml:2:8: error FT001: unknown alias *x"], Errors("name: t\nmodel: *x\n"));
    }

    [Fact]
    public void Null_for_a_required_key_is_a_type_error()
    {
        var errors = Errors(RecipeText.Minimal + "data:\n  path: null\n");
        Assert.Equal(["r.yaml:4:9: error FT004: `data.path` must be a string, got null"], errors);
    }

    [Fact]
    public void Second_document_is_a_syntax_error()
    {
        var errors = Errors(RecipeText.Minimal + "---\nname: u\n");
        Assert.Equal(["r.yaml:3:1: error FT001: a recipe is one YAML document; found a second one"], errors);
    }

    [Fact]
    public void Empty_recipe_is_reported()
    {
        Assert.Equal(["r.yaml:1:1: error FT013: the recipe is empty (start with `name:` and `model: { path: ... }`)"], Errors("# nothing here\n"));
    }

    [Fact]
    public void Missing_recipe_file_is_reported()
    {
        var file = Path.Combine(Finetune.Testing.TestPaths.NewTempDir(), "none.yaml");
        var errors = RecipeLoader.TryLoad(file).Diagnostics.Select(d => d.ToString());
        Assert.Equal([$"{file}:1:1: error FT013: recipe file not found"], errors);
    }

    [Fact]
    public void Empty_required_strings_and_paths_are_reported()
    {
        var errors = Errors("name: \"\"\nmodel: { path: \" \" }\ndata: { path: d, chat_template: \"\" }\n", checkPaths: true);
        Assert.Equal(
            [
                "r.yaml:1:7: error FT011: `name` is empty",
                "r.yaml:2:16: error FT011: `model.path` is empty",
                "r.yaml:3:33: error FT011: `data.chat_template` is empty",
            ],
            errors.Where(e => !e.Contains("FT008", StringComparison.Ordinal)));
    }

    [Fact]
    public void Copy_without_from_is_fine_when_every_token_has_an_override()
    {
        Assert.Empty(Errors(RecipeText.Minimal + "tokens: { add: [\"<a>\"] }\nseed: { strategy: copy, overrides: { \"<a>\": \"<b>\" } }\n"));
    }
}
