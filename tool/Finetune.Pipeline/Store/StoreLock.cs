using System.Diagnostics;
using System.Globalization;

namespace Finetune.Pipeline.Store;

/// <summary>
/// An exclusive lock on a store (an OS file lock on <c>.lock</c>), so two runs never write one store at
/// once. The holder writes who it is (pid, command line, start time) into <c>.lock.pid</c> for the message a
/// waiting run prints. Waiting stops at the timeout or when <c>cancellation</c> fires (Ctrl-C).
/// </summary>
public sealed class StoreLock : IDisposable
{
    /// <summary>What a failed lock attempt reports when another process holds the lock (EWOULDBLOCK / sharing violation).</summary>
    private const int SharingViolation = unchecked((int)0x80070020);

    private readonly FileStream _stream;

    private StoreLock(FileStream stream) => _stream = stream;

    public static StoreLock Acquire(string storeRoot, TimeSpan timeout, Action<string>? onWait = null, CancellationToken cancellation = default)
    {
        var path = Path.Combine(Prepare(storeRoot), ".lock");
        if (Directory.Exists(path))
            throw new StoreException($"{path}: the store's lock file is a folder here; move it away (a run locks the store through this file)");
        var clock = Stopwatch.StartNew();
        bool told = false;
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            FileStream stream;
            try
            {
                stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (UnauthorizedAccessException e)
            {
                throw NotWritable(storeRoot, e);
            }
            catch (IOException e) when (e.HResult == SharingViolation || e.GetType() == typeof(IOException) && e.Message.Contains("another process", StringComparison.Ordinal))
            {
                string holder = ReadHolder(path);
                if (clock.Elapsed >= timeout)
                    throw new StoreLockedException($"{storeRoot}: the store is locked by another run ({holder}); wait for it or use another --store");
                if (!told) onWait?.Invoke($"waiting for the store lock held by {holder} (Ctrl-C to stop waiting)");
                told = true;
                cancellation.WaitHandle.WaitOne(100);
                continue;
            }
            catch (IOException e)
            {
                throw NotWritable(storeRoot, e);
            }
            try
            {
                // Who holds it goes into a side file: the locked file itself cannot be read by a waiting run.
                File.WriteAllText(path + ".pid", Describe());
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stream.Dispose();
                throw NotWritable(storeRoot, e);
            }
            return new StoreLock(stream);
        }
    }

    /// <summary>Makes sure the store folder exists and is a folder; a file in its place or no permission is a <see cref="StoreException"/>.</summary>
    public static string Prepare(string storeRoot)
    {
        RefuseFile(storeRoot);
        try
        {
            Directory.CreateDirectory(storeRoot);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var blocker = FirstFileOnTheWay(storeRoot);
            throw blocker != null
                ? new StoreException($"{storeRoot}: cannot create the store: {blocker} is a file, not a folder", e)
                : NotWritable(storeRoot, e);
        }
        return storeRoot;
    }

    /// <summary>A file where the store folder should be is a <see cref="StoreException"/> (before anything reads or writes it).</summary>
    public static void RefuseFile(string storeRoot)
    {
        if (File.Exists(storeRoot))
            throw new StoreException($"{storeRoot}: the store must be a folder, but this is a file (give --store a folder)");
    }

    private static StoreException NotWritable(string storeRoot, Exception e) =>
        new($"{storeRoot}: the store is not writable ({e.Message.TrimEnd('.')}); give --store a folder you can write", e);

    private static string? FirstFileOnTheWay(string folder)
    {
        for (var dir = Path.GetFullPath(folder); !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
            if (File.Exists(dir)) return dir;
        return null;
    }

    private static string Describe()
    {
        var started = Process.GetCurrentProcess().StartTime.ToUniversalTime();
        var command = string.Join(' ', Environment.GetCommandLineArgs().Skip(1).Select(a => a.Contains(' ') ? $"\"{a}\"" : a));
        return string.Create(CultureInfo.InvariantCulture, $"pid {Environment.ProcessId}: {command}, since {started:yyyy-MM-dd HH:mm:ss} UTC");
    }

    private static string ReadHolder(string path)
    {
        try
        {
            var text = File.ReadAllText(path + ".pid").Trim();
            return text.Length > 0 ? text : "an unknown process";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "an unknown process";
        }
    }

    public void Dispose() => _stream.Dispose();
}
