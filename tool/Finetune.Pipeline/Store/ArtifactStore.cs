using System.Diagnostics;
using System.Security.Cryptography;
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
    /// renames the folder to its key. If <paramref name="write"/> throws, nothing is left behind.
    /// </summary>
    public StoreManifest Commit(StageInputs inputs, Action<string> write)
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
                .Select(f => new StoreFile(f, new FileInfo(Path.Combine(temp, f)).Length, HashFile(Path.Combine(temp, f))))
                .ToList();
            var manifest = new StoreManifest(inputs.Stage, key, inputs, files, DateTimeOffset.UtcNow, clock.Elapsed.TotalSeconds, ToolVersion);
            File.WriteAllText(Path.Combine(temp, StoreManifest.FileName), manifest.ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            var final = EntryPath(inputs.Stage, key);
            if (Directory.Exists(final)) Directory.Delete(final, recursive: true); // --force replaces an entry
            Directory.Move(temp, final);
            var work = WorkPath(inputs.Stage, key);
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
            return manifest;
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
    }

    public IEnumerable<StoreManifest> List()
    {
        if (!Directory.Exists(Root)) yield break;
        foreach (var stageDir in Directory.EnumerateDirectories(Root).OrderBy(d => d, StringComparer.Ordinal))
        foreach (var entry in Directory.EnumerateDirectories(stageDir).OrderBy(d => d, StringComparer.Ordinal))
        {
            var name = Path.GetFileName(entry);
            if (name.StartsWith('.')) continue;
            if (TryGet(Path.GetFileName(stageDir), name) is { } m) yield return m;
        }
    }

    /// <summary>
    /// Removes temp leftovers of crashed runs, stale work folders, and (when <paramref name="keep"/> is
    /// given) every entry whose (stage, key) is not in it. Returns the removed paths.
    /// </summary>
    public IReadOnlyList<string> CollectGarbage(ISet<(string Stage, string Key)>? keep)
    {
        var removed = new List<string>();
        if (!Directory.Exists(Root)) return removed;
        foreach (var stageDir in Directory.EnumerateDirectories(Root))
        {
            var stage = Path.GetFileName(stageDir);
            foreach (var entry in Directory.EnumerateDirectories(stageDir))
            {
                var name = Path.GetFileName(entry);
                bool junk = name.StartsWith(".tmp-", StringComparison.Ordinal)
                    || (!name.StartsWith('.') && !File.Exists(Path.Combine(entry, StoreManifest.FileName)));
                bool unreferenced = keep != null && !name.StartsWith('.') && !keep.Contains((stage, name));
                if (junk || unreferenced)
                {
                    Directory.Delete(entry, recursive: true);
                    removed.Add(entry);
                }
            }
        }
        return removed;
    }

    /// <summary>Rehashes every entry's files; returns one line per problem.</summary>
    public IReadOnlyList<string> Verify()
    {
        var problems = new List<string>();
        foreach (var m in List())
        {
            var dir = EntryPath(m.Stage, m.Key);
            foreach (var f in m.Files)
            {
                var path = Path.Combine(dir, f.Path);
                if (!File.Exists(path)) problems.Add($"{m.Stage}/{m.Key[..12]}: {f.Path} is missing");
                else if (HashFile(path) != f.Sha256) problems.Add($"{m.Stage}/{m.Key[..12]}: {f.Path} does not match its hash");
            }
        }
        return problems;
    }

    private static string HashFile(string path)
    {
        using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(s));
    }
}
