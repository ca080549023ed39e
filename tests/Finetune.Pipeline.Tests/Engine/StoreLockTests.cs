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
            Assert.Contains($"locked by another run (pid {Environment.ProcessId})", e.Message);
            Assert.Single(waits);
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
}
