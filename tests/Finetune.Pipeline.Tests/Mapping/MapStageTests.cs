using System.Text.Json.Nodes;
using Finetune.Pipeline.Planning;
using Finetune.Pipeline.Stages;
using Finetune.Pipeline.Store;
using Finetune.Pipeline.Tests.Engine;
using Finetune.Recipes;
using Finetune.Testing;

namespace Finetune.Pipeline.Tests.Mapping;

/// <summary>
/// The map stage on a tiny recipe in a temp folder: 8 rows, test_fraction 0.25 (2 test rows), the model's own
/// Llama 3.2 chat template from a hand-made tokenize output (the reference tokenizer files copied at test time).
/// </summary>
public sealed class MapStageTests
{
    private readonly string _dir = TestPaths.NewTempDir("mapstage");

    private Recipe WriteRecipe(string extraData = "", string templateVars = "template_vars: { date_string: \"26 Jul 2024\" }")
    {
        var rows = Enumerable.Range(1, 8).Select(i =>
            new JsonObject { ["instruction"] = $"What is {i} + {i}?", ["reasoning"] = $"{i} and {i} make {2 * i}.", ["output"] = $"{2 * i}" }.ToJsonString());
        File.WriteAllLines(Path.Combine(_dir, "data.jsonl"), rows);
        var recipe = Path.Combine(_dir, "tiny.yaml");
        File.WriteAllText(recipe, $$$"""
            name: tiny
            model: { path: "{{{TestPaths.Reference("llama3")}}}" }
            data:
              path: data.jsonl
              test_fraction: 0.25
              messages:
                - { role: user, content: "{{ instruction }}" }
                - { role: assistant, content: "<think>{{ reasoning }}</think><answer>{{ output }}</answer>" }
              {{{templateVars}}}
            {{{extraData}}}
            train:
              max_seq_length: 256
            """);
        return RecipeLoader.Load(recipe);
    }

    /// <summary>What the tokenize stage leaves: tokenizer/tokenizer.json and tokenizer/tokenizer_config.json.</summary>
    private static void WriteTokenizeOutput(string outputDir)
    {
        var folder = Path.Combine(outputDir, TokenizeStage.TokenizerFolder);
        Directory.CreateDirectory(folder);
        foreach (var name in new[] { "tokenizer.json", "tokenizer_config.json" })
            File.Copy(TestPaths.Reference("llama3", name), Path.Combine(folder, name));
    }

    private StageRun Run(string output)
    {
        var tokenize = Path.Combine(_dir, "tokenize");
        WriteTokenizeOutput(tokenize);
        Directory.CreateDirectory(output);
        return new StageRun
        {
            Stage = "map", Key = "test", OutputDir = output, WorkDir = Path.Combine(_dir, "work"),
            UpstreamDirs = new Dictionary<string, string> { ["tokenize"] = tokenize }, Observer = new RecordingObserver(),
        };
    }

    [Fact]
    public void Run_writes_shards_stats_and_test_rows_for_the_model_template()
    {
        var output = Path.Combine(_dir, "out");
        var run = Run(output);
        new MapStage(MapInput.From(WriteRecipe())).Run(run);

        var stats = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "stats.json")))!;
        Assert.Equal(8, (int)stats["rows_read"]!);
        Assert.Equal(6, (int)stats["splits"]!["train"]!["rows"]!);
        Assert.Equal(2, (int)stats["splits"]!["test"]!["rows"]!);
        var train = ShardFiles.Read(output, "train");
        var test = ShardFiles.Read(output, "test");
        Assert.Equal(6, train.Count);
        Assert.Equal((long)stats["tokens"]!, train.Sum(r => r.Ids.Length) + test.Sum(r => r.Ids.Length));
        Assert.Equal((long)stats["loss_tokens"]!, train.Sum(r => r.Mask.Count(m => m == 1)) + test.Sum(r => r.Mask.Count(m => m == 1)));
        Assert.All(train.Concat(test), r =>
        {
            Assert.Equal(128000, r.Ids[0]);
            Assert.Equal(128009, r.Ids[^1]);
            Assert.Equal(1, r.Mask[^1]);
        });

        var rows = File.ReadAllLines(Path.Combine(output, "test_rows.jsonl")).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(2, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var columns = rows[i]["columns"]!;
            Assert.Equal($"<think>{columns["reasoning"]}</think><answer>{columns["output"]}</answer>", (string)rows[i]["completion"]!);
            Assert.Equal(
                "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n<|eot_id|>" +
                $"<|start_header_id|>user<|end_header_id|>\n\n{columns["instruction"]}<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
                (string)rows[i]["prompt"]!);
            // The test shard row is its prompt followed by the completion and <|eot_id|>, and the mask is exactly that tail.
            var promptIds = rows[i]["prompt_ids"]!.AsArray().Select(x => (int)x!).ToArray();
            Assert.Equal(promptIds, test[i].Ids[..promptIds.Length]);
            Assert.Equal([.. Enumerable.Repeat((byte)0, promptIds.Length), .. Enumerable.Repeat((byte)1, test[i].Ids.Length - promptIds.Length)], test[i].Mask);
        }
        Assert.Equal(["msg map: 8 rows: 6 train, 2 test; " +
                      $"{stats["tokens"]} tokens ({stats["loss_tokens"]} with loss); 0 truncated, 0 dropped, 0 bad rows skipped"],
            ((RecordingObserver)run.Observer).Events);
    }

    [Fact]
    public void An_unpinned_date_string_is_reported()
    {
        var run = Run(Path.Combine(_dir, "out"));
        new MapStage(MapInput.From(WriteRecipe(templateVars: "loss_on: all"))).Run(run);
        var events = ((RecordingObserver)run.Observer).Events;
        Assert.Equal("msg map: warning: chat template tokenizer_config.json reads date_string, which data.template_vars does not pin: " +
                     "it renders today's date, so the shards change from day to day", events[0]);
        var stats = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "out", "stats.json")))!;
        Assert.Equal("all", (string)stats["loss_on"]!);
        Assert.Equal((long)stats["tokens"]! - 8, (long)stats["loss_tokens"]!);
    }

    [Fact]
    public void A_bad_row_stops_the_stage_naming_file_and_line()
    {
        var recipe = WriteRecipe();
        File.AppendAllText(Path.Combine(_dir, "data.jsonl"), """{"instruction": "q", "output": "a"}""" + "\n");
        var error = Assert.Throws<Finetune.Pipeline.Data.DataException>(() => new MapStage(MapInput.From(recipe)).Run(Run(Path.Combine(_dir, "out"))));
        Assert.Equal($"{Path.Combine(_dir, "data.jsonl")}: line 9: data.messages[1].content reads column 'reasoning', which the row does not have (columns: instruction, output) (on_bad_row: skip drops such rows)",
            error.Message);
    }

    [Fact]
    public void Through_the_engine_map_reads_the_tokenize_entry_and_commits_its_outputs()
    {
        var recipe = WriteRecipe("  on_bad_row: skip");
        File.AppendAllText(Path.Combine(_dir, "data.jsonl"), """{"instruction": "q", "output": "a"}""" + "\n");
        var tokenize = new FakeStage("tokenize") { Body = r => WriteTokenizeOutput(r.OutputDir) };
        var store = new ArtifactStore(Path.Combine(_dir, "store"));
        var engine = new PipelineEngine([tokenize, new MapStage(MapInput.From(recipe))], store, RecipeLock.Load(Path.Combine(_dir, "tiny.yaml.lock")));

        var plans = engine.Run(new RunOptions(), new RecordingObserver());

        var entry = store.EntryPath("map", plans.Single(p => p.Stage == "map").Key);
        var stats = JsonNode.Parse(File.ReadAllText(Path.Combine(entry, "stats.json")))!;
        Assert.Equal(9, (int)stats["rows_read"]!);
        Assert.Equal(1, (int)stats["skipped_bad_rows"]!["missing_column"]!);
        Assert.Equal(8, (int)stats["rows"]!);
        foreach (var file in new[] { "train.ids.bin", "train.mask.bin", "train.offsets.bin", "test.ids.bin", "test.mask.bin", "test.offsets.bin", "test_rows.jsonl" })
            Assert.True(File.Exists(Path.Combine(entry, file)), file);
        Assert.True(engine.Plan().All(p => p.Cached));
    }
}
