namespace Finetune.Recipes;

/// <summary>
/// The Hugging Face cache layout the HF CLI downloads into: <c>models--ORG--NAME/</c> holding
/// <c>refs/main</c> (a commit hash) and <c>snapshots/&lt;hash&gt;/</c> (the files, as links into <c>blobs/</c>).
/// </summary>
public static class HfCacheFolder
{
    /// <summary>
    /// <paramref name="path"/>'s snapshot folder when it is a cache repository folder (a <c>snapshots</c>
    /// subfolder and no files of its own): the snapshot <c>refs/main</c> names, else the only snapshot;
    /// any other path (a snapshot folder itself, a plain folder, a file, a missing path) unchanged.
    /// </summary>
    public static string Snapshot(string path)
    {
        var snapshots = Path.Combine(path, "snapshots");
        if (!Directory.Exists(snapshots) || Directory.EnumerateFiles(path).Any()) return path;
        var main = Path.Combine(path, "refs", "main");
        if (File.Exists(main))
        {
            var named = Path.Combine(snapshots, File.ReadAllText(main).Trim());
            if (Directory.Exists(named)) return named;
        }
        var all = Directory.GetDirectories(snapshots);
        return all.Length == 1 ? all[0] : path;
    }
}
