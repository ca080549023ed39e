using System.Text.Json.Nodes;
using Finetune.Pipeline.Planning;
using Finetune.Pipeline.Store;
using Finetune.Testing;

namespace Finetune.Pipeline.Tests.Engine;

/// <summary>cache gc's reach (all inside the store) and what it reports freeing.</summary>
public sealed class StoreHygieneTests
{
    private readonly string _dir = TestPaths.NewTempDir();
    private readonly FakeStage _tokenize = new("tokenize");
    private readonly FakeStage _train = new("train", "tokenize");
    private readonly string _store;

    public StoreHygieneTests()
    {
        _store = Path.Combine(_dir, "store");
        _train.Params = new JsonObject { ["epochs"] = 1 };
    }

    private void RunAll() =>
        new PipelineEngine([_tokenize, _train], new ArtifactStore(_store), RecipeLock.Load(Path.Combine(_dir, "r.lock"))).Run(new RunOptions(), new RecordingObserver());

    private string Work(string stage, string key, int bytes)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_store, stage, ".work", key)).FullName;
        File.WriteAllBytes(Path.Combine(dir, "checkpoint.bin"), new byte[bytes]);
        return dir;
    }

    [Fact]
    public void Gc_removes_work_folders_no_lock_refers_to_and_counts_the_bytes()
    {
        RunAll();
        var locked = RecipeLock.Load(Path.Combine(_dir, "r.lock")).Entries.ToHashSet();
        var trainKey = locked.Single(e => e.Stage == "train").Key;
        var finished = Work("train", trainKey, 100);             // its entry is complete: a leftover
        var orphan = Work("train", new string('a', 64), 1000);   // no lock refers to it
        var resumable = Work("train", new string('b', 64), 10);  // what the recipe would run next
        var store = new ArtifactStore(_store);

        var removed = store.CollectGarbage(locked, new HashSet<(string, string)> { ("train", new string('b', 64)) });
        Assert.Equal([(finished, 100L, "its entry is complete"), (orphan, 1000L, "no lock refers to it")],
            removed.Select(r => (r.Path, r.Bytes, r.Why)).OrderBy(r => r.Bytes));
        Assert.True(Directory.Exists(resumable));
        Assert.Equal(2, store.List().Count());
    }

    [Fact]
    public void Gc_without_recipes_keeps_work_folders_of_unfinished_keys()
    {
        RunAll();
        var pending = Work("train", new string('c', 64), 10);
        Assert.Empty(new ArtifactStore(_store).CollectGarbage(keep: null));
        Assert.True(Directory.Exists(pending));
    }

    [Fact]
    public void Gc_removes_quarantined_entries()
    {
        RunAll();
        var store = new ArtifactStore(_store);
        var key = store.List().Single(m => m.Stage == "train").Key;
        var moved = store.Quarantine("train", key, "out.txt does not match its hash");
        var removed = Assert.Single(store.CollectGarbage(keep: null));
        Assert.Equal(moved, removed.Path);
        Assert.Equal("quarantined: out.txt does not match its hash", removed.Why);
        Assert.Empty(store.Quarantined());
    }
}
