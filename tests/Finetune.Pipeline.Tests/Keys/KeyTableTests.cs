using System.Text;
using System.Text.Json.Nodes;
using Finetune.Pipeline.Planning;
using Finetune.Pipeline.Tests.Stages;
using Finetune.Recipes;
using Finetune.Testing;

namespace Finetune.Pipeline.Tests.Keys;

/// <summary>
/// recipes/KEYS.md: for every recipe key in the schema, the stages whose inputs read it and the stages a
/// change of it reruns, found by editing that key alone (a valid new value) on the tiny recipe and planning.
/// The checked-in file is the expectation (read and checked by a person); a key without an edit row fails.
/// </summary>
public sealed class KeyTableTests
{
    private const string RelativePath = "recipes/KEYS.md";

    /// <summary>One edit per recipe key: the new value, and companion edits the recipe rules require with it.</summary>
    private static readonly Dictionary<string, Edit> Edits = new(StringComparer.Ordinal)
    {
        ["name"] = new("\"tiny-renamed\""),
        ["model.path"] = new(Special: "a copy of the model in which every file differs"),
        ["model.dtype"] = new("\"bf16\""),
        ["model.device"] = new("\"cpu\""),
        ["tokens.add"] = new("""["<think>","</think>","<answer>","</answer>","<extra>"]"""),
        ["tokens.if_exists"] = new("\"reuse\""),
        ["tokens.special"] = new("true"),
        ["tokens.pad_token"] = new("\"<|eot_id|>\""),
        ["tokens.pad_to_multiple_of"] = new("64"),
        ["seed.strategy"] = new("\"mean\"", With: [("seed.from", "null")]),
        ["seed.from"] = new("\"<|end_header_id|>\""),
        ["seed.overrides"] = new("""{"<think>":"<|end_header_id|>"}"""),
        ["seed.rows"] = new("""["input"]"""),
        ["seed.probe"] = new("\"Why is the sky blue?\""),
        ["seed.random_seed"] = new("7"),
        ["data.path"] = new(Special: "a copy of the dataset without its last row"),
        ["data.take"] = new("100"),
        ["data.test_fraction"] = new("0.2"),
        ["data.shuffle_seed"] = new("7"),
        ["data.messages"] = new("""[{"role":"system","content":"Be brief."},{"role":"user","content":"{{ instruction }}"},{"role":"assistant","content":"<think>{{ reasoning }}</think><answer>{{ output }}</answer>"}]"""),
        ["data.chat_template"] = new(Special: "a .jinja file"),
        ["data.template_vars"] = new("""{"date_string":"1 Jan 2025"}"""),
        ["data.loss_on"] = new("\"assistant\""),
        ["data.on_bad_row"] = new("\"skip\""),
        ["train.epochs"] = new("2"),
        ["train.max_steps"] = new("5"),
        ["train.batch_size"] = new("4"),
        ["train.gradient_accumulation"] = new("2"),
        ["train.method"] = new("\"lora\""),
        ["train.lora.rank"] = new("8", With: [("train.method", "\"lora\"")]),
        ["train.lora.alpha"] = new("16", With: [("train.method", "\"lora\"")]),
        ["train.lora.dropout"] = new("0.1", With: [("train.method", "\"lora\"")]),
        ["train.lora.targets"] = new("""["q_proj"]""", With: [("train.method", "\"lora\"")]),
        ["train.lora.new_rows"] = new("\"frozen\"", With: [("train.method", "\"lora\"")]),
        ["train.learning_rate"] = new("0.002"),
        ["train.warmup_ratio"] = new("0.1"),
        ["train.schedule"] = new("\"linear\""),
        ["train.optimizer"] = new("\"adamw_8bit\""),
        ["train.adam_beta1"] = new("0.8"),
        ["train.adam_beta2"] = new("0.99"),
        ["train.adam_epsilon"] = new("1e-6"),
        ["train.weight_decay"] = new("0.01"),
        ["train.max_grad_norm"] = new("0.5"),
        ["train.max_seq_length"] = new("128"),
        ["train.packing"] = new("true"),
        ["train.group_by_length"] = new("false"),
        ["train.checkpointing"] = new("true"),
        ["train.freeze_new_rows_steps"] = new("2"),
        ["train.eval_every"] = new("25"),
        ["train.log_every"] = new("5"),
        ["train.save"] = new("\"end\""),
        ["train.seed"] = new("7"),
        ["train.precision"] = new("\"bf16\""),
        ["evaluate.prompts"] = new("""["Hi?"]"""),
        ["evaluate.test_questions"] = new("5"),
        ["evaluate.max_new_tokens"] = new("32"),
        ["evaluate.placement"] = new("\"after_generation_prompt\""),
        ["evaluate.temperature"] = new("0.7"),
        ["evaluate.expect_format"] = new("\"<answer>.+</answer>\""),
        ["export.format"] = new("\"gguf\""),
        ["export.path"] = new("\"elsewhere\""),
        ["export.dtype"] = new("\"bf16\""),
        ["export.adapter"] = new("true", With: [("train.method", "\"lora\"")]),
        ["export.max_shard_size"] = new("\"2GB\""),
        ["export.gguf.type"] = new("\"f32\""),
    };

    [Fact]
    public void Every_recipe_key_has_an_edit_row()
    {
        var keys = SchemaKeys();
        Assert.Empty(keys.Except(Edits.Keys).Select(k => $"recipe key {k} has no row in KeyTableTests.Edits: add a valid new value for it"));
        Assert.Empty(Edits.Keys.Except(keys).Select(k => $"KeyTableTests.Edits has a row for {k}, which the schema no longer has"));
    }

    [Fact]
    public void Checked_in_key_table_is_current()
    {
        var generated = Render(Rows());
        var path = Path.Combine(TestPaths.RepoRoot, RelativePath);
        if (Environment.GetEnvironmentVariable("UPDATE_KEYS") == "1")
            File.WriteAllText(path, generated);
        var onDisk = File.Exists(path) ? File.ReadAllText(path) : "";
        Assert.True(onDisk == generated,
            $"{RelativePath} differs from what editing each key does: check the change, then run `UPDATE_KEYS=1 dotnet test tests/Finetune.Pipeline.Tests --filter Checked_in_key_table_is_current` and commit it\n{generated}");
    }

    /// <summary>Recipe keys in schema order: sections are walked, everything else (lists, maps, values) is one key.</summary>
    private static List<string> SchemaKeys()
    {
        var keys = new List<string>();
        void Walk(JsonNode node, string path)
        {
            foreach (var (key, child) in node["properties"]!.AsObject())
            {
                var childPath = path.Length == 0 ? key : $"{path}.{key}";
                if (child!["properties"] is JsonObject) Walk(child, childPath);
                else keys.Add(childPath);
            }
        }
        Walk(JsonNode.Parse(RecipeSchema.Generate())!, "");
        return keys;
    }

    private sealed record Row(string Key, string Edit, IReadOnlyList<string> ReadBy, IReadOnlyList<string> Reruns);

    private static List<Row> Rows()
    {
        var dir = TestPaths.NewTempDir("ft-keys");
        var kit = new StageTestKit();
        var recipe = JsonNode.Parse(RecipeJson.Canonical(kit.Recipe))!.AsObject();
        recipe["export"]!["path"] = Path.Combine(dir, "export");
        // Sections that only count under another setting are left out of the base (train.lora needs method: lora).
        recipe["train"]!.AsObject().Remove("lora");
        if (recipe["export"]!["gguf"] is null) recipe["export"]!.AsObject().Remove("gguf");
        var store = Path.Combine(dir, "store");
        var basePlan = Plan(dir, "base", recipe, store).ToDictionary(p => p.Stage, StringComparer.Ordinal);
        var rows = new List<Row>();
        foreach (var key in SchemaKeys())
        {
            var edit = Edits.GetValueOrDefault(key) ?? throw new InvalidOperationException($"recipe key {key} has no edit row");
            var edited = recipe.DeepClone().AsObject();
            Set(edited, key, edit.Special is null ? JsonNode.Parse(edit.Value!) : SpecialValue(key, dir, kit));
            foreach (var (other, value) in edit.With) Set(edited, other, JsonNode.Parse(value));
            var plan = Plan(dir, key, edited, store);
            var readBy = plan.Where(p => !SameOwnInputs(p, basePlan[p.Stage])).Select(p => p.Stage).ToList();
            var reruns = plan.Where(p => p.Key != basePlan[p.Stage].Key).Select(p => p.Stage).ToList();
            var text = edit.Special ?? $"`{edit.Value}`" + string.Concat(edit.With.Select(w => $", with `{w.Key}: {w.Value}`"));
            rows.Add(new Row(key, text, readBy, reruns));
        }
        return rows;
    }

    private static JsonNode SpecialValue(string key, string dir, StageTestKit kit)
    {
        var copy = Path.Combine(dir, key.Replace('.', '-'));
        switch (key)
        {
            case "model.path":
                Directory.CreateDirectory(copy);
                foreach (var f in Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "recipes", "models", "tiny-llama")))
                {
                    var target = Path.Combine(copy, Path.GetFileName(f));
                    File.Copy(f, target);
                    using var stream = File.OpenWrite(target);
                    stream.Seek(0, SeekOrigin.End);
                    stream.WriteByte((byte)'\n'); // JSON files stay valid; safetensors only gains a trailing byte
                }
                return copy;
            case "data.path":
                var lines = File.ReadAllLines(Path.Combine(TestPaths.RepoRoot, "recipes", "data", "demo-reasoning.jsonl"));
                File.WriteAllLines(copy + ".jsonl", lines[..^1]);
                return copy + ".jsonl";
            case "data.chat_template":
                File.WriteAllText(copy + ".jinja", "{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}");
                return copy + ".jinja";
            default:
                throw new InvalidOperationException($"no special edit for {key}");
        }
    }

    private static void Set(JsonObject recipe, string key, JsonNode? value)
    {
        var parts = key.Split('.');
        var node = recipe;
        foreach (var part in parts[..^1])
        {
            if (node[part] is null) node[part] = new JsonObject();     // a section the base leaves out
            node = node[part]!.AsObject();
        }
        node[parts[^1]] = value;
    }

    /// <summary>Plans the recipe (written as JSON, which is YAML) on one store: keys only, nothing runs.</summary>
    private static IReadOnlyList<StagePlan> Plan(string dir, string name, JsonObject recipe, string store)
    {
        var path = Path.Combine(dir, $"{name}.yaml");
        File.WriteAllText(path, recipe.ToJsonString());
        return Job.Engine(RecipeLoader.Load(path), store).Plan();
    }

    private static bool SameOwnInputs(StagePlan a, StagePlan b) =>
        CanonicalJson.Write(a.Inputs.Params) == CanonicalJson.Write(b.Inputs.Params)
        && a.Inputs.Files.OrderBy(f => f.Key, StringComparer.Ordinal).SequenceEqual(b.Inputs.Files.OrderBy(f => f.Key, StringComparer.Ordinal));

    private static string Render(List<Row> rows)
    {
        static string Stages(IReadOnlyList<string> stages) => stages.Count == 0 ? "(none)" : string.Join(", ", stages);
        var sb = new StringBuilder();
        sb.Append("""
            # Which recipe key moves which stage key

            Generated by `KeyTableTests` (tests/Finetune.Pipeline.Tests/Keys) from `recipes/recipe.schema.json`: each
            recipe key is edited alone (companion edits only where the recipe rules require them) on
            `recipes/think-answer-tiny.yaml`, and the stage keys are planned. **Read by**: the stages whose input
            record (values or files) changes. **Reruns**: every stage whose key changes, downstream included.
            A key that names a place (`export.path`) or that no stage reads moves no key. Update with
            `UPDATE_KEYS=1 dotnet test tests/Finetune.Pipeline.Tests --filter Checked_in_key_table_is_current`.

            | recipe key | edit | read by | reruns |
            | --- | --- | --- | --- |

            """);
        foreach (var row in rows)
            sb.Append($"| `{row.Key}` | {row.Edit.Replace("|", "\\|")} | {Stages(row.ReadBy)} | {Stages(row.Reruns)} |\n");
        return sb.ToString();
    }

    private sealed record Edit(string? Value = null, string? Special = null, (string Key, string Value)[]? With = null)
    {
        public (string Key, string Value)[] With { get; } = With ?? [];
    }
}
