using System.Security.Cryptography;
using System.Text.Json;

namespace Finetune.Pipeline.Store;

/// <summary>
/// SHA-256 of files, cached by (full path, size, mtime, inode) in a small JSON file, so a rerun with
/// nothing changed does not reread gigabytes. A touched file with the same bytes hashes the same.
/// </summary>
public sealed class FileHasher
{
    private readonly string? _cachePath;
    private readonly Dictionary<string, FileFingerprint> _cache = new(StringComparer.Ordinal);
    private bool _dirty;

    public FileHasher(string? cachePath = null)
    {
        _cachePath = cachePath;
        if (cachePath != null && File.Exists(cachePath))
        {
            try
            {
                var entries = JsonSerializer.Deserialize<List<FileFingerprint>>(File.ReadAllText(cachePath)) ?? [];
                foreach (var e in entries) _cache[e.Path] = e;
            }
            catch (JsonException)
            {
                // A damaged cache only costs rehashing.
            }
        }
    }

    /// <summary>How many files were actually read (not answered from the cache) so far.</summary>
    public int FilesRead { get; private set; }

    /// <summary>
    /// The file's SHA-256 (from the cache when its size, mtime and inode did not change). Only regular files are
    /// hashed: a device such as <c>/dev/zero</c> or a pipe never ends. A cancelled hash stops within one 1 MiB block.
    /// </summary>
    public string Hash(string path, CancellationToken cancellation = default)
    {
        var full = System.IO.Path.GetFullPath(path);
        var info = new FileInfo(full);
        if (!info.Exists) throw new FileNotFoundException($"{full}: file not found", full);
        long inode = Inode(full);
        long mtime = info.LastWriteTimeUtc.Ticks;
        lock (_cache)
        {
            if (_cache.TryGetValue(full, out var hit) && hit.Size == info.Length && hit.MtimeTicks == mtime && hit.Inode == inode)
                return hit.Sha256;
        }
        // Only a path about to be read is checked: a cache hit was a regular file with this inode, size and mtime.
        if (Finetune.Recipes.PathProblems.Describe(full) is { } problem) throw new StoreException($"{full} {problem}");
        string sha = Sha256(full, cancellation);
        lock (_cache)
        {
            FilesRead++;
            _cache[full] = new FileFingerprint(full, info.Length, mtime, inode, sha);
            _dirty = true;
        }
        return sha;
    }

    /// <summary>SHA-256 of a file read in 1 MiB blocks, checking <paramref name="cancellation"/> before each.</summary>
    public static string Sha256(string path, CancellationToken cancellation = default)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 0);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var block = new byte[1 << 20];
        cancellation.ThrowIfCancellationRequested();
        int read;
        while ((read = stream.Read(block)) > 0)
        {
            sha.AppendData(block, 0, read);
            cancellation.ThrowIfCancellationRequested();
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>
    /// Records a hash computed elsewhere (a store entry's manifest, hashed while it was written) for the file
    /// as it is now, so checking the entry later does not reread it while its size, mtime and inode stay.
    /// </summary>
    public void Remember(string path, string sha256)
    {
        var full = System.IO.Path.GetFullPath(path);
        var info = new FileInfo(full);
        if (!info.Exists) return;
        lock (_cache)
        {
            _cache[full] = new FileFingerprint(full, info.Length, info.LastWriteTimeUtc.Ticks, Inode(full), sha256);
            _dirty = true;
        }
    }

    public void Save()
    {
        if (_cachePath == null || !_dirty) return;
        lock (_cache)
        {
            var live = _cache.Values.Where(e => File.Exists(e.Path)).OrderBy(e => e.Path, StringComparer.Ordinal).ToList();
            try
            {
                AtomicFile.WriteAllText(_cachePath, JsonSerializer.Serialize(live));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return; // a store that cannot be written (plan on a read-only store) only loses the cache
            }
            _dirty = false;
        }
    }

    /// <summary>The inode number on Linux (st_ino sits at offset 8 of struct stat on x64 and arm64); 0 elsewhere.</summary>
    private static long Inode(string path)
    {
        if (!OperatingSystem.IsLinux()) return 0;
        var buf = new byte[256];
        try
        {
            return NativeStat(path, buf) == 0 ? BitConverter.ToInt64(buf, 8) : 0;
        }
        catch (EntryPointNotFoundException)
        {
            return 0;
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "stat", SetLastError = true)]
    private static extern int NativeStat([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string path, [System.Runtime.InteropServices.Out] byte[] buf);
}
