using System.Text.Json.Nodes;
using Finetune.Pipeline;
using Finetune.Pipeline.Planning;
using Finetune.Pipeline.Store;
using Finetune.Testing;

namespace Finetune.Pipeline.Tests.Engine;

public sealed class PipelineEngineTests
{
    private readonly string _dir = TestPaths.NewTempDir();
    private readonly FakeStage _tokenize = new("tokenize");
    private readonly FakeStage _map = new("map", "tokenize");
    private readonly FakeStage _train = new("train", "tokenize", "map");
    private readonly string _data;
    private readonly string _store;
    private readonly string _lockPath;

    public PipelineEngineTests()
    {
        _data = Path.Combine(_dir, "data.jsonl");
        File.WriteAllText(_data, "{\"a\": 1}\n");
        _store = Path.Combine(_dir, "store");
        _lockPath = Path.Combine(_dir, "recipe.lock");
        _tokenize.Params = new JsonObject { ["add"] = new JsonArray("<think>", "</think>") };
        _map.Params = new JsonObject { ["take"] = 10 };
        _map.Files["data"] = _data;
        _train.Params = new JsonObject { ["learning_rate"] = 1e-5, ["epochs"] = 2 };
    }

    private PipelineEngine Engine() => new([_tokenize, _map, _train], new ArtifactStore(_store), RecipeLock.Load(_lockPath));

    private RecordingObserver RunAll(RunOptions? options = null)
    {
        var observer = new RecordingObserver();
        Engine().Run(options ?? new RunOptions(), observer);
        return observer;
    }

    private Dictionary<string, StagePlan> Plan() => Engine().Plan().ToDictionary(p => p.Stage);

    [Fact]
    public void Second_run_is_all_cached()
    {
        RunAll();
        var second = RunAll();
        Assert.Equal(["cached tokenize", "cached map", "cached train"], second.Events);
        Assert.Equal((1, 1, 1), (_tokenize.Runs, _map.Runs, _train.Runs));
        Assert.All(Plan().Values, p => Assert.Empty(p.Reasons));
    }

    [Fact]
    public void A_changed_dataset_byte_reruns_map_and_train_and_plan_says_why()
    {
        RunAll();
        File.WriteAllText(_data, "{\"a\": 2}\n");
        var plan = Plan();
        Assert.True(plan["tokenize"].Cached);
        Assert.False(plan["map"].Cached);
        Assert.Equal(["file data changed"], plan["map"].Reasons.Select(r => r.ToString()));
        Assert.Equal(["upstream map changed"], plan["train"].Reasons.Select(r => r.ToString()));
        Assert.Equal(["cached tokenize", "run map", "done map", "run train", "done train"], RunAll().Events);
    }

    [Fact]
    public void A_learning_rate_change_reruns_only_train_with_the_values_in_the_reason()
    {
        RunAll();
        _train.Params["learning_rate"] = 2e-5;
        var plan = Plan();
        Assert.Equal(["learning_rate 1e-5 -> 2e-5"], plan["train"].Reasons.Select(r => r.ToString()));
        Assert.Equal([new PlanReason(PlanReasonKind.Param, "learning_rate", "1e-5", "2e-5")], plan["train"].Reasons);
        Assert.Equal("""{"kind":"param","key":"learning_rate","before":"1e-5","after":"2e-5"}""", plan["train"].Reasons[0].ToJson().ToJsonString());
        Assert.True(plan["map"].Cached);
        Assert.Equal(["cached tokenize", "cached map", "run train", "done train"], RunAll().Events);
    }

    [Fact]
    public void A_token_change_reruns_everything_downstream()
    {
        RunAll();
        _tokenize.Params["add"] = new JsonArray("<think>", "</think>", "<answer>");
        var plan = Plan();
        Assert.Equal(["add [\"<think>\",\"</think>\"] -> [\"<think>\",\"</think>\",\"<answer>\"]"], plan["tokenize"].Reasons.Select(r => r.ToString()));
        Assert.Equal(["upstream tokenize changed"], plan["map"].Reasons.Select(r => r.ToString()));
        Assert.Equal(["upstream map changed", "upstream tokenize changed"], plan["train"].Reasons.Select(r => r.ToString()));
        Assert.All(plan.Values, p => Assert.False(p.Cached));
    }

    [Fact]
    public void Key_order_and_number_spelling_do_not_change_keys()
    {
        var before = Plan()["train"].Key;
        _train.Params = JsonNode.Parse("{\"epochs\": 2.0, \"learning_rate\": 0.00001}")!.AsObject();
        Assert.Equal(before, Plan()["train"].Key);
    }

    [Fact]
    public void Touching_a_file_without_changing_it_keeps_the_key_and_rehashes_once()
    {
        var before = Plan()["map"].Key;
        File.SetLastWriteTimeUtc(_data, DateTime.UtcNow.AddMinutes(5));
        var store = new ArtifactStore(_store);
        var engine = new PipelineEngine([_tokenize, _map, _train], store, RecipeLock.Load(_lockPath));
        Assert.Equal(before, engine.Plan().Single(p => p.Stage == "map").Key);
        Assert.Equal(1, store.Hasher.FilesRead); // mtime changed: reread once
        var again = new ArtifactStore(_store);
        new PipelineEngine([_tokenize, _map, _train], again, RecipeLock.Load(_lockPath)).Plan();
        Assert.Equal(0, again.Hasher.FilesRead); // unchanged facts: answered from the hash cache
    }

    [Fact]
    public void Stage_version_bump_reruns_it()
    {
        RunAll();
        _map.Version = 2;
        Assert.Equal(["stage version 1 -> 2"], Plan()["map"].Reasons.Select(r => r.ToString()));
    }

    [Fact]
    public void Only_runs_the_stage_and_its_upstream()
    {
        var events = RunAll(new RunOptions { Only = "map" }).Events;
        Assert.Equal(["run tokenize", "done tokenize", "run map", "done map", "skip train"], events);
        Assert.Equal(0, _train.Runs);
    }

    [Fact]
    public void Force_reruns_a_cached_stage()
    {
        RunAll();
        var events = RunAll(new RunOptions { Force = new HashSet<string> { "map" } }).Events;
        Assert.Equal(["cached tokenize", "run map", "done map", "cached train"], events);
    }

    [Fact]
    public void Unknown_stage_names_are_user_errors()
    {
        var e = Assert.Throws<PipelineException>(() => RunAll(new RunOptions { Only = "trian" }));
        Assert.Equal("--only trian: no such stage (stages: tokenize, map, train)", e.Message);
    }

    [Fact]
    public void A_stage_that_fails_mid_write_leaves_no_entry_and_no_temp_folder()
    {
        _map.Body = run =>
        {
            File.WriteAllText(Path.Combine(run.OutputDir, "half.bin"), "partial");
            throw new IOException("disk full");
        };
        Assert.Throws<IOException>(() => RunAll());
        var mapDir = Path.Combine(_store, "map");
        Assert.DoesNotContain(Directory.EnumerateDirectories(mapDir), d => !Path.GetFileName(d).StartsWith(".work"));
        Assert.False(Plan()["map"].Cached);
        // tokenize finished before the failure: it is kept and recorded in the lock.
        Assert.True(Plan()["tokenize"].Cached);
        Assert.NotNull(RecipeLock.Load(_lockPath).Key("tokenize"));
        Assert.Null(RecipeLock.Load(_lockPath).Key("map"));
    }

    [Fact]
    public void A_crash_leftover_temp_folder_is_ignored_and_collected()
    {
        RunAll();
        var leftover = Path.Combine(_store, "train", ".tmp-abc-123");
        Directory.CreateDirectory(leftover);
        File.WriteAllText(Path.Combine(leftover, "model.safetensors"), "half");
        var noManifest = Path.Combine(_store, "train", new string('f', 64));
        Directory.CreateDirectory(noManifest);
        Assert.Equal(3, new ArtifactStore(_store).List().Count());
        var removed = new ArtifactStore(_store).CollectGarbage(keep: null);
        Assert.Equal(2, removed.Count);
        Assert.Equal(3, new ArtifactStore(_store).List().Count());
    }

    [Fact]
    public void Gc_with_a_keep_set_removes_unreferenced_entries()
    {
        RunAll();
        _train.Params["epochs"] = 3;
        RunAll();
        var store = new ArtifactStore(_store);
        Assert.Equal(4, store.List().Count());
        var keep = RecipeLock.Load(_lockPath).Entries.ToHashSet();
        Assert.Single(store.CollectGarbage(keep));
        Assert.Equal(3, store.List().Count());
    }

    [Fact]
    public void Manifest_lists_files_with_hashes_and_verify_finds_tampering()
    {
        RunAll();
        var store = new ArtifactStore(_store);
        var entry = store.List().Single(m => m.Stage == "map");
        var file = Assert.Single(entry.Files);
        Assert.Equal("out.txt", file.Path);
        var path = Path.Combine(store.EntryPath("map", entry.Key), "out.txt");
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))), file.Sha256);
        Assert.Empty(store.Verify());
        File.AppendAllText(path, "x");
        Assert.Equal([$"map/{entry.Key[..12]}: out.txt does not match its hash"], store.Verify());
    }

    [Fact]
    public void Key_is_sha256_of_the_canonical_inputs()
    {
        var inputs = new StageInputs("train", 1, new JsonObject { ["lr"] = 0.5 }, new Dictionary<string, string> { ["map"] = "k" }, new Dictionary<string, string>());
        const string canonical = "{\"files\":{},\"params\":{\"lr\":0.5},\"stage\":\"train\",\"upstream\":{\"map\":\"k\"},\"version\":1}";
        Assert.Equal(canonical, inputs.CanonicalText());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(canonical))), inputs.Key());
    }

    [Fact]
    public void Reasons_are_records_of_kind_file_upstream_and_missing()
    {
        Assert.Equal([PlanReason.NoPreviousRun], Plan()["tokenize"].Reasons);
        RunAll();
        var before = Plan()["map"].Inputs.Files["data"];
        File.WriteAllText(_data, "{\"a\": 3}\n");
        var plan = Plan();
        var file = Assert.Single(plan["map"].Reasons);
        Assert.Equal((PlanReasonKind.File, "data", before), (file.Kind, file.Key, file.Before));
        Assert.Equal(plan["map"].Inputs.Files["data"], file.After);
        Assert.Equal((PlanReasonKind.Upstream, "map", plan["map"].Key), (plan["train"].Reasons[0].Kind, plan["train"].Reasons[0].Key, plan["train"].Reasons[0].After));

        File.WriteAllText(_data, "{\"a\": 1}\n");
        Directory.Delete(Path.Combine(_store, "train"), recursive: true);
        Assert.Equal([PlanReason.MissingFromStore(Plan()["train"].Key)], Plan()["train"].Reasons);
        Assert.Equal("output missing from the store", Plan()["train"].Reasons[0].ToString());
    }

    [Fact]
    public void Against_another_lock_reasons_compare_with_that_run()
    {
        RunAll();
        var other = Path.Combine(_dir, "other.lock");
        File.Copy(_lockPath, other);
        _train.Params["learning_rate"] = 2e-5;
        RunAll(); // the recipe's own lock now has 2e-5; the other lock still has 1e-5
        var own = Engine().Plan().Single(p => p.Stage == "train");
        Assert.Empty(own.Reasons);
        var against = new PipelineEngine([_tokenize, _map, _train], new ArtifactStore(_store), RecipeLock.Load(other)).Plan();
        Assert.Equal(["learning_rate 1e-5 -> 2e-5"], against.Single(p => p.Stage == "train").Reasons.Select(r => r.ToString()));
        Assert.Empty(against.Single(p => p.Stage == "map").Reasons);
    }
}
