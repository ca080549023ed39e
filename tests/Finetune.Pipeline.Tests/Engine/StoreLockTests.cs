using Finetune.Pipeline.Store;
using Finetune.Testing;

namespace Finetune.Pipeline.Tests.Engine;

public sealed class StoreLockTests
{
    [Fact]
    public void A_second_holder_waits_then_fails_naming_the_holder()
    {
        var root = TestPaths.NewTempDir();
        using (StoreLock.Acquire(root, TimeSpan.Zero))
        {
            var waits = new List<string>();
            var e = Assert.Throws<StoreLockedException>(() => StoreLock.Acquire(root, TimeSpan.FromMilliseconds(300), waits.Add));
            Assert.Contains($"locked by another run (pid {Environment.ProcessId}: ", e.Message);
            Assert.StartsWith($"waiting for the store lock held by pid {Environment.ProcessId}: ", Assert.Single(waits));
        }
        using var again = StoreLock.Acquire(root, TimeSpan.Zero); // released: free again
    }

    [Fact]
    public async Task A_waiting_run_proceeds_when_the_holder_releases()
    {
        var root = TestPaths.NewTempDir();
        var first = StoreLock.Acquire(root, TimeSpan.Zero);
        var release = Task.Run(async () => { await Task.Delay(300); first.Dispose(); });
        using var second = StoreLock.Acquire(root, TimeSpan.FromSeconds(10));
        await release;
    }

    [Fact]
    public void Waiting_for_the_lock_stops_when_cancelled()
    {
        var root = TestPaths.NewTempDir();
        using var held = StoreLock.Acquire(root, TimeSpan.Zero);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        Assert.ThrowsAny<OperationCanceledException>(() => StoreLock.Acquire(root, TimeSpan.FromMinutes(10), null, cancel.Token));
    }

    [Fact]
    public void A_store_that_is_a_file_is_its_own_error()
    {
        var file = Path.Combine(TestPaths.NewTempDir(), "store");
        File.WriteAllText(file, "not a folder");
        var e = Assert.Throws<StoreException>(() => StoreLock.Acquire(file, TimeSpan.FromSeconds(5)));
        Assert.Equal($"{file}: the store must be a folder, but this is a file (give --store a folder)", e.Message);
        var below = Path.Combine(file, "inner");
        e = Assert.Throws<StoreException>(() => StoreLock.Acquire(below, TimeSpan.FromSeconds(5)));
        Assert.Equal($"{below}: cannot create the store: {file} is a file, not a folder", e.Message);
    }

    [Fact]
    public void A_store_that_cannot_be_written_is_its_own_error()
    {
        // /proc refuses new folders even to root, where permission bits would not.
        var root = "/proc/finetune-store";
        var e = Assert.Throws<StoreException>(() => StoreLock.Acquire(root, TimeSpan.FromSeconds(5)));
        Assert.StartsWith($"{root}: the store is not writable (", e.Message);
        Assert.DoesNotContain("locked", e.Message);
    }
}
