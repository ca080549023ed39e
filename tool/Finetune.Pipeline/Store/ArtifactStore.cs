using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Finetune.Pipeline.Store;

/// <summary>
/// The content-addressed store: <c>ROOT/&lt;stage&gt;/&lt;key&gt;/</c> with a <c>manifest.json</c>. An entry is
/// written into a temp folder and renamed into place after its manifest, so a crash leaves no half entry
/// (only a <c>.tmp-*</c> folder that lookups ignore and <see cref="CollectGarbage"/> removes).
/// </summary>
public sealed class ArtifactStore
{
    public ArtifactStore(string root)
    {
        Root = Path.GetFullPath(root);
        Hasher = new FileHasher(Path.Combine(Root, ".file-hashes.json"));
    }

    public string Root { get; }

    public FileHasher Hasher { get; }

    public static string ToolVersion { get; } =
        typeof(ArtifactStore).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public string EntryPath(string stage, string key) => Path.Combine(Root, stage, key);

    /// <summary>A persistent scratch folder for one stage key (checkpoints for --resume); removed on commit.</summary>
    public string WorkPath(string stage, string key) => Path.Combine(Root, stage, ".work", key);

    public StoreManifest? TryGet(string stage, string key)
    {
        var manifest = Path.Combine(EntryPath(stage, key), StoreManifest.FileName);
        if (!File.Exists(manifest)) return null;
        try
        {
            return StoreManifest.FromJson(JsonNode.Parse(File.ReadAllText(manifest))!.AsObject());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or FormatException)
        {
            return null; // an unreadable manifest is a missing entry: the stage reruns and replaces it
        }
    }

    /// <summary>
    /// Runs <paramref name="write"/> into a fresh temp folder, records a manifest of what it wrote and
    /// renames the folder to its key. If <paramref name="write"/> throws or the work is cancelled (checked
    /// while the written files are hashed), nothing is left behind.
    /// </summary>
    public StoreManifest Commit(StageInputs inputs, Action<string> write, CancellationToken cancellation = default)
    {
        var key = inputs.Key();
        var stageDir = Path.Combine(Root, inputs.Stage);
        Directory.CreateDirectory(stageDir);
        var temp = Path.Combine(stageDir, $".tmp-{key[..12]}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        var clock = Stopwatch.StartNew();
        try
        {
            write(temp);
            var files = Directory.EnumerateFiles(temp, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(temp, f).Replace('\\', '/'))
                .Where(f => f != StoreManifest.FileName)
                .OrderBy(f => f, StringComparer.Ordinal)
                .Select(f => new StoreFile(f, new FileInfo(Path.Combine(temp, f)).Length, FileHasher.Sha256(Path.Combine(temp, f), cancellation)))
                .ToList();
            var manifest = new StoreManifest(inputs.Stage, key, inputs, files, DateTimeOffset.UtcNow, clock.Elapsed.TotalSeconds, ToolVersion);
            File.WriteAllText(Path.Combine(temp, StoreManifest.FileName), manifest.ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            cancellation.ThrowIfCancellationRequested(); // the last chance: after the rename the entry is there
            var final = EntryPath(inputs.Stage, key);
            if (Directory.Exists(final)) Directory.Delete(final, recursive: true); // --force replaces an entry (inside the store)
            Directory.Move(temp, final);
            foreach (var f in files) Hasher.Remember(Path.Combine(final, f.Path), f.Sha256); // a rename keeps inode and mtime
            var work = WorkPath(inputs.Stage, key);
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true); // inside the store
            return manifest;
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true); // the fresh temp folder inside the store
        }
    }

    public IEnumerable<StoreManifest> List()
    {
        if (!Directory.Exists(Root)) yield break;
        foreach (var stageDir in Directory.EnumerateDirectories(Root).OrderBy(d => d, StringComparer.Ordinal).Where(d => !Path.GetFileName(d).StartsWith('.')))
        foreach (var entry in Directory.EnumerateDirectories(stageDir).OrderBy(d => d, StringComparer.Ordinal))
        {
            var name = Path.GetFileName(entry);
            if (name.StartsWith('.')) continue;
            if (TryGet(Path.GetFileName(stageDir), name) is { } m) yield return m;
        }
    }

    /// <summary>Where damaged entries are moved: <c>ROOT/.quarantine/&lt;stage&gt;/&lt;key&gt;-&lt;time&gt;/</c>.</summary>
    public string QuarantineRoot => Path.Combine(Root, ".quarantine");

    /// <summary>The note a quarantined entry carries: why it was moved aside.</summary>
    public const string QuarantineNote = "QUARANTINED.txt";

    /// <summary>
    /// Checks an entry's files against its manifest (presence, size, SHA-256 through the hash cache, so files
    /// whose size, mtime and inode did not change are not reread) and that it holds no file the manifest does
    /// not list. Returns null when the entry is sound, else the first problem naming the file.
    /// </summary>
    public string? Check(string stage, string key, CancellationToken cancellation = default)
    {
        var dir = EntryPath(stage, key);
        if (TryGet(stage, key) is not { } manifest) return $"{StoreManifest.FileName} is missing or unreadable";
        var listed = new HashSet<string>(StringComparer.Ordinal) { StoreManifest.FileName };
        foreach (var f in manifest.Files)
        {
            listed.Add(f.Path);
            var path = Path.Combine(dir, f.Path);
            var info = new FileInfo(path);
            if (!info.Exists) return $"{f.Path} is missing";
            if (info.Length != f.Size) return $"{f.Path} has {info.Length} bytes, its manifest says {f.Size}";
            if (Hasher.Hash(path, cancellation) != f.Sha256) return $"{f.Path} does not match its hash";
        }
        var extra = Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(dir, f).Replace('\\', '/'))
            .Where(f => !listed.Contains(f))
            .Order(StringComparer.Ordinal)
            .FirstOrDefault();
        return extra is null ? null : $"{extra} is not in its manifest";
    }

    /// <summary>Moves a damaged entry out of the way (its stage then runs again) and returns where it went.</summary>
    public string Quarantine(string stage, string key, string problem)
    {
        var folder = Path.Combine(QuarantineRoot, stage);
        Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, $"{key}-{DateTime.UtcNow:yyyyMMdd'T'HHmmssfff}");
        Directory.Move(EntryPath(stage, key), target);
        File.WriteAllText(Path.Combine(target, QuarantineNote), problem + "\n");
        return target;
    }

    /// <summary>The entries moved aside by <see cref="Quarantine"/>, oldest stage name and key first.</summary>
    public IEnumerable<QuarantinedEntry> Quarantined()
    {
        if (!Directory.Exists(QuarantineRoot)) yield break;
        foreach (var stageDir in Directory.EnumerateDirectories(QuarantineRoot).Order(StringComparer.Ordinal))
        foreach (var entry in Directory.EnumerateDirectories(stageDir).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(entry);
            var note = Path.Combine(entry, QuarantineNote);
            var problem = File.Exists(note) ? File.ReadAllText(note).Trim() : "damaged";
            yield return new QuarantinedEntry(Path.GetFileName(stageDir), name.Length > 64 ? name[..64] : name, entry, problem, FolderBytes(entry));
        }
    }

    /// <summary>
    /// Removes, all inside the store: temp leftovers of crashed runs, entries without a manifest, quarantined
    /// entries, work folders (checkpoints) of keys that were committed since, and, when <paramref name="keep"/>
    /// is given (the entries the recipes' locks refer to), every entry and work folder not in it nor in
    /// <paramref name="keepWork"/> (keys a recipe would run next, whose checkpoints --resume needs).
    /// </summary>
    /// <remarks>Cancelling stops between folders: each one is removed whole or left for the next gc.</remarks>
    public IReadOnlyList<RemovedPath> CollectGarbage(ISet<(string Stage, string Key)>? keep, ISet<(string Stage, string Key)>? keepWork = null, CancellationToken cancellation = default)
    {
        var removed = new List<RemovedPath>();
        if (!Directory.Exists(Root)) return removed;
        foreach (var stageDir in Directory.EnumerateDirectories(Root).Order(StringComparer.Ordinal))
        {
            var stage = Path.GetFileName(stageDir);
            if (stage.StartsWith('.')) continue; // .quarantine, below
            foreach (var entry in Directory.EnumerateDirectories(stageDir).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(entry);
                string? why = name.StartsWith(".tmp-", StringComparison.Ordinal) ? "left by a crashed run"
                    : !name.StartsWith('.') && !File.Exists(Path.Combine(entry, StoreManifest.FileName)) ? "no manifest"
                    : keep != null && !name.StartsWith('.') && !keep.Contains((stage, name)) ? "no lock refers to it"
                    : null;
                if (why != null) Remove(entry, why, removed, cancellation);
            }
            var work = Path.Combine(stageDir, ".work");
            if (!Directory.Exists(work)) continue;
            foreach (var folder in Directory.EnumerateDirectories(work).Order(StringComparer.Ordinal))
            {
                var key = Path.GetFileName(folder);
                string? why = File.Exists(Path.Combine(EntryPath(stage, key), StoreManifest.FileName)) ? "its entry is complete"
                    : keep != null && !keep.Contains((stage, key)) && keepWork?.Contains((stage, key)) != true ? "no lock refers to it"
                    : null;
                if (why != null) Remove(folder, why, removed, cancellation, trash: stageDir);
            }
        }
        foreach (var q in Quarantined().ToList()) Remove(q.Path, "quarantined: " + q.Problem, removed, cancellation);
        return removed;
    }

    /// <summary>
    /// Renames <paramref name="folder"/> to a <c>.tmp-gc-*</c> folder in <paramref name="trash"/> (its stage folder, or
    /// its own parent) before deleting it, so a gc ended midway leaves a whole entry or a leftover the next gc removes.
    /// </summary>
    private static void Remove(string folder, string why, List<RemovedPath> removed, CancellationToken cancellation, string? trash = null)
    {
        cancellation.ThrowIfCancellationRequested();
        var bytes = FolderBytes(folder);
        var doomed = Path.Combine(trash ?? Path.GetDirectoryName(folder)!, $".tmp-gc-{Guid.NewGuid():N}");
        Directory.Move(folder, doomed);
        Directory.Delete(doomed, recursive: true); // always a folder under ROOT, found by enumerating the store
        removed.Add(new RemovedPath(folder, bytes, why));
    }

    private static long FolderBytes(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

    /// <summary>Rehashes every entry's files, without the hash cache; returns one line per problem.</summary>
    public IReadOnlyList<string> Verify(CancellationToken cancellation = default)
    {
        var problems = new List<string>();
        foreach (var m in List())
        {
            var dir = EntryPath(m.Stage, m.Key);
            foreach (var f in m.Files)
            {
                var path = Path.Combine(dir, f.Path);
                if (!File.Exists(path)) problems.Add($"{m.Stage}/{m.Key[..12]}: {f.Path} is missing");
                else if (FileHasher.Sha256(path, cancellation) != f.Sha256) problems.Add($"{m.Stage}/{m.Key[..12]}: {f.Path} does not match its hash");
            }
        }
        return problems;
    }
}
