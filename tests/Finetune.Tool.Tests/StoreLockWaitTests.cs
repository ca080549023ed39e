using System.Diagnostics;
using Finetune.Pipeline.Store;
using Finetune.Testing;

namespace Finetune.Tool.Tests;

/// <summary>A command waiting for another run's store lock says who holds it, and Ctrl-C ends the wait with exit 130.</summary>
public sealed class StoreLockWaitTests
{
    [Fact]
    public async Task Ctrl_c_while_waiting_for_the_store_lock_exits_130_naming_the_holder()
    {
        var dir = TestPaths.NewTempDir();
        var store = Path.Combine(dir, "store");
        using var held = StoreLock.Acquire(store, TimeSpan.Zero);
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = dir, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { TestPaths.ToolDll, "cache", "gc", "--store", store }) start.ArgumentList.Add(a);
        using var tool = Process.Start(start)!;
        var stdout = tool.StandardOutput.ReadToEndAsync();
        var waitLine = await tool.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(1));
        Assert.StartsWith($"waiting for the store lock held by pid {Environment.ProcessId}: ", waitLine);

        using (var kill = Process.Start("kill", ["-INT", tool.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
            await kill.WaitForExitAsync();
        var rest = await tool.StandardError.ReadToEndAsync().WaitAsync(TimeSpan.FromMinutes(1));
        await tool.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        await stdout;
        Assert.Equal(130, tool.ExitCode);
        Assert.Equal("interrupted", rest.Trim());
    }
}
