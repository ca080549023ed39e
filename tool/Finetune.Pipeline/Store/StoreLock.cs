using System.Diagnostics;

namespace Finetune.Pipeline.Store;

/// <summary>
/// An exclusive lock on a store (an OS file lock on <c>.lock</c>), so two runs never write one store at
/// once. The holder's pid is written into the file for the message the waiting run prints.
/// </summary>
public sealed class StoreLock : IDisposable
{
    private readonly FileStream _stream;

    private StoreLock(FileStream stream) => _stream = stream;

    public static StoreLock Acquire(string storeRoot, TimeSpan timeout, Action<string>? onWait = null)
    {
        Directory.CreateDirectory(storeRoot);
        var path = Path.Combine(storeRoot, ".lock");
        var clock = Stopwatch.StartNew();
        bool told = false;
        while (true)
        {
            try
            {
                var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                // The pid goes into a side file: the locked file itself cannot be read by a waiting run.
                File.WriteAllText(path + ".pid", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
                return new StoreLock(stream);
            }
            catch (IOException)
            {
                string holder = ReadHolder(path);
                if (clock.Elapsed >= timeout)
                    throw new StoreLockedException($"{storeRoot}: the store is locked by another run (pid {holder}); wait for it or use another --store");
                if (!told) onWait?.Invoke($"waiting for the store lock held by pid {holder}...");
                told = true;
                Thread.Sleep(100);
            }
        }
    }

    private static string ReadHolder(string path)
    {
        try
        {
            var text = File.ReadAllText(path + ".pid").Trim();
            return text.Length > 0 ? text : "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    public void Dispose() => _stream.Dispose();
}
