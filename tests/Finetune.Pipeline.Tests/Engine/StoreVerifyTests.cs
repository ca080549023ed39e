using System.Text.Json.Nodes;
using Finetune.Pipeline.Planning;
using Finetune.Pipeline.Store;
using Finetune.Testing;

namespace Finetune.Pipeline.Tests.Engine;

/// <summary>A cached entry is checked against its manifest before it is used; a damaged one is named, moved aside and rebuilt.</summary>
public sealed class StoreVerifyTests
{
    private readonly string _dir = TestPaths.NewTempDir();
    private readonly FakeStage _tokenize = new("tokenize");
    private readonly FakeStage _map = new("map", "tokenize");
    private readonly FakeStage _train = new("train", "tokenize", "map");
    private readonly string _store;

    public StoreVerifyTests()
    {
        _store = Path.Combine(_dir, "store");
        _map.Params = new JsonObject { ["take"] = 10 };
        // A binary shard beside out.txt, as the map stage writes them.
        _map.Body = run => File.WriteAllBytes(Path.Combine(run.OutputDir, "train.ids.bin"), [1, 2, 3, 4, 5, 6, 7, 8]);
    }

    private PipelineEngine Engine(ArtifactStore? store = null) =>
        new([_tokenize, _map, _train], store ?? new ArtifactStore(_store), RecipeLock.Load(Path.Combine(_dir, "r.lock")));

    private RecordingObserver RunAll(RunOptions? options = null)
    {
        var observer = new RecordingObserver();
        Engine().Run(options ?? new RunOptions(), observer);
        return observer;
    }

    private string EntryFile(string stage, string file)
    {
        var key = RecipeLock.Load(Path.Combine(_dir, "r.lock")).Key(stage)!;
        return Path.Combine(_store, stage, key, file);
    }

    private static void FlipByte(string path, int at)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[at] ^= 0x01;
        File.WriteAllBytes(path, bytes);
    }

    [Fact]
    public void A_flipped_byte_in_a_shard_is_named_quarantined_and_the_entry_rebuilt()
    {
        RunAll();
        var key = RecipeLock.Load(Path.Combine(_dir, "r.lock")).Key("map")!;
        var shard = EntryFile("map", "train.ids.bin");
        FlipByte(shard, 3);

        var plan = Engine().Plan().ToDictionary(p => p.Stage);
        Assert.False(plan["map"].Cached);
        Assert.Equal(["store entry damaged: train.ids.bin does not match its hash"], plan["map"].Reasons.Select(r => r.ToString()));
        Assert.True(plan["train"].Cached); // same inputs, same key: only the damaged entry is redone

        var events = RunAll().Events;
        var message = Assert.Single(events, e => e.StartsWith("msg map: ", StringComparison.Ordinal));
        Assert.StartsWith($"msg map: store entry map/{key} is damaged: train.ids.bin does not match its hash; quarantined in ", message);
        Assert.Equal(["cached tokenize", "run map", "done map", "cached train"], events.Where(e => !e.StartsWith("msg", StringComparison.Ordinal)));
        Assert.Equal(2, _map.Runs);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, File.ReadAllBytes(shard));

        var quarantined = Assert.Single(new ArtifactStore(_store).Quarantined());
        Assert.Equal(("map", key, "train.ids.bin does not match its hash"), (quarantined.Stage, quarantined.Key, quarantined.Problem));
        Assert.Equal(new byte[] { 1, 2, 3, 5, 5, 6, 7, 8 }, File.ReadAllBytes(Path.Combine(quarantined.Path, "train.ids.bin")));
        Assert.Equal(["cached tokenize", "cached map", "cached train"], RunAll().Events);
    }

    [Fact]
    public void A_damaged_upstream_is_rebuilt_before_a_forced_stage_reads_it()
    {
        RunAll();
        File.WriteAllText(EntryFile("tokenize", "out.txt"), "tokenize:garbage");
        var events = RunAll(new RunOptions { Force = new HashSet<string> { "train" } }).Events.Where(e => !e.StartsWith("msg", StringComparison.Ordinal));
        Assert.Equal(["run tokenize", "done tokenize", "cached map", "run train", "done train"], events);
        Assert.DoesNotContain("garbage", File.ReadAllText(EntryFile("train", "out.txt")));
    }

    [Fact]
    public void Missing_and_extra_files_are_damage_too()
    {
        RunAll();
        File.Delete(EntryFile("map", "train.ids.bin"));
        File.WriteAllText(EntryFile("train", "stray.txt"), "x");
        var plan = Engine().Plan().ToDictionary(p => p.Stage);
        Assert.Equal(["store entry damaged: train.ids.bin is missing"], plan["map"].Reasons.Select(r => r.ToString()));
        Assert.Equal(["store entry damaged: stray.txt is not in its manifest"], plan["train"].Reasons.Select(r => r.ToString()));
    }

    [Fact]
    public void No_verify_uses_the_entry_as_it_is()
    {
        RunAll();
        FlipByte(EntryFile("map", "train.ids.bin"), 0);
        Assert.True(Engine().Plan(verify: false).Single(p => p.Stage == "map").Cached);
        Assert.Equal(["cached tokenize", "cached map", "cached train"], RunAll(new RunOptions { Verify = false }).Events);
        Assert.Empty(new ArtifactStore(_store).Quarantined());
    }

    [Fact]
    public void Unchanged_entries_are_checked_from_the_hash_cache_without_rereading()
    {
        RunAll();
        var store = new ArtifactStore(_store);
        Engine(store).Plan();
        Assert.Equal(0, store.Hasher.FilesRead);
        FlipByte(EntryFile("map", "train.ids.bin"), 0);
        var again = new ArtifactStore(_store);
        Engine(again).Plan();
        Assert.Equal(1, again.Hasher.FilesRead); // only the touched file is reread
    }
}
