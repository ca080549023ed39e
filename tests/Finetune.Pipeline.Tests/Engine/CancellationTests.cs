using System.Text.Json.Nodes;
using Finetune.Pipeline;
using Finetune.Pipeline.Data;
using Finetune.Pipeline.Planning;
using Finetune.Pipeline.Store;
using Finetune.Testing;

namespace Finetune.Pipeline.Tests.Engine;

/// <summary>
/// Ctrl-C reaches every long loop of the store and the engine as one token: a cancelled run keeps what it
/// completed and nothing of what it was doing, and frees the lock (the out-of-process SIGINT checks are
/// Finetune.Tool.Tests' SigintTests).
/// </summary>
public sealed class CancellationTests
{
    private readonly string _dir = TestPaths.NewTempDir();

    [Fact]
    public void A_run_cancelled_inside_a_stage_keeps_the_stages_before_it_and_nothing_of_that_one()
    {
        var store = Path.Combine(_dir, "store");
        var tokenize = new FakeStage("tokenize");
        var map = new FakeStage("map", "tokenize");
        using var cancel = new CancellationTokenSource();
        map.Body = run =>
        {
            File.WriteAllText(Path.Combine(run.OutputDir, "half.bin"), "written before Ctrl-C");
            cancel.Cancel();
            run.Cancellation.ThrowIfCancellationRequested();
        };
        PipelineEngine Engine() => new([tokenize, map], new ArtifactStore(store), RecipeLock.Load(Path.Combine(_dir, "recipe.lock")));

        Assert.ThrowsAny<OperationCanceledException>(() => Engine().Run(new RunOptions { Cancellation = cancel.Token }, new RecordingObserver()));

        Assert.Equal(["tokenize"], new ArtifactStore(store).List().Select(m => m.Stage));
        Assert.DoesNotContain(Directory.GetDirectories(Path.Combine(store, "map")), d => Path.GetFileName(d) != ".work"); // no entry, no .tmp-*
        using (StoreLock.Acquire(store, TimeSpan.Zero)) { } // released
        map.Body = null;
        var rerun = new RecordingObserver();
        Engine().Run(new RunOptions(), rerun);
        Assert.Equal(["cached tokenize", "run map", "done map"], rerun.Events);
        Assert.Empty(new ArtifactStore(store).Verify());
    }

    [Fact]
    public void A_commit_cancelled_while_its_files_are_hashed_leaves_no_entry_and_no_temp_folder()
    {
        var store = new ArtifactStore(Path.Combine(_dir, "store"));
        var inputs = new StageInputs("export", 1, new JsonObject { ["dtype"] = "bf16" }, new Dictionary<string, string>(), new Dictionary<string, string>());
        using var cancel = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => store.Commit(inputs, dir =>
        {
            File.WriteAllBytes(Path.Combine(dir, "model.safetensors"), new byte[3 << 20]);
            cancel.Cancel(); // Ctrl-C as the stage returns: the entry's files are hashed next
        }, cancel.Token));
        Assert.Null(store.TryGet("export", inputs.Key()));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(store.Root, "export")));
    }

    [Fact]
    public void A_cancelled_hash_stops_and_remembers_nothing()
    {
        var file = Path.Combine(_dir, "data.jsonl");
        File.WriteAllBytes(file, new byte[4 << 20]);
        var hasher = new FileHasher();
        Assert.ThrowsAny<OperationCanceledException>(() => hasher.Hash(file, new CancellationToken(canceled: true)));
        Assert.Equal(0, hasher.FilesRead);
        // SHA-256 of 4 MiB of zeros (sha256sum of `head -c 4194304 /dev/zero`).
        Assert.Equal("bb9f8df61474d25e71fa00722318cd387396ca1736605e1248821cc0de3d3af8", hasher.Hash(file));
    }

    [Fact]
    public void A_device_is_refused_before_it_is_read()
    {
        // /dev/zero never ends: hashing it would run until Ctrl-C.
        var e = Assert.Throws<StoreException>(() => new FileHasher().Hash("/dev/zero"));
        Assert.Equal("/dev/zero is not a regular file (a device, pipe or socket); give a file or a folder", e.Message);
    }

    [Fact]
    public void A_cancelled_gc_leaves_every_folder_whole_and_the_next_gc_removes_them()
    {
        var store = new ArtifactStore(Path.Combine(_dir, "store"));
        var stage = Directory.CreateDirectory(Path.Combine(store.Root, "map")).FullName;
        for (var i = 0; i < 3; i++)
            File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(stage, $".tmp-{i}")).FullName, "train.bin"), "x");
        Assert.ThrowsAny<OperationCanceledException>(() => store.CollectGarbage(null, null, new CancellationToken(canceled: true)));
        Assert.Equal(3, Directory.GetDirectories(stage).Count(d => File.Exists(Path.Combine(d, "train.bin"))));
        Assert.Equal(3, store.CollectGarbage(null).Count);
        Assert.Empty(Directory.GetFileSystemEntries(stage));
    }

    [Fact]
    public void Reading_a_dataset_stops_at_the_next_row_when_cancelled()
    {
        var file = Path.Combine(_dir, "rows.jsonl");
        File.WriteAllLines(file, Enumerable.Range(0, 100).Select(i => $"{{\"id\": {i}}}"));
        using var cancel = new CancellationTokenSource();
        var read = 0;
        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            foreach (var _ in DatasetReader.Open(file, cancel.Token))
                if (++read == 10) cancel.Cancel();
        });
        Assert.Equal(10, read);
    }
}
