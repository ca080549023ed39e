namespace Finetune.Pipeline.Publishing;

/// <summary>
/// The one way the tool writes a folder outside its store. The target must be absent, empty, or a folder
/// the tool published before (its <see cref="PublishMarker"/> lists every file in it); it must not be, or
/// hold, a protected path (the recipe's folder, the store, the model, the data), nor lie inside the store,
/// a model folder or a data folder. The new content is written into a sibling temp folder and swapped in,
/// so a reader sees the old folder or the new one, never half of one, and a failure touches nothing.
/// </summary>
public static class Publisher
{
    /// <summary>Why the tool may not write <paramref name="folder"/> (one line naming it), or null when it may.</summary>
    public static string? Refusal(string folder, IEnumerable<ProtectedPath> protectedPaths)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        foreach (var p in protectedPaths)
        {
            var guarded = p.FullPath;
            if (SamePath(full, guarded))
                return $"{full}: refusing to publish into {p.What} itself";
            if (IsBelow(guarded, full))
                return $"{full}: refusing to publish into a folder that holds {p.What} ({guarded})";
            if (p.Inside && IsBelow(full, guarded))
                return $"{full}: refusing to publish inside {p.What} ({guarded})";
        }
        if (File.Exists(full))
            return $"{full}: is a file, not a folder; the tool publishes only into folders it owns";
        if (!Directory.Exists(full))
            return null;
        if (new DirectoryInfo(full).LinkTarget is { } link)
            return $"{full}: is a symbolic link (to {link}); the tool publishes only into real folders it owns";
        var foreign = FirstForeignFile(full);
        return foreign is null
            ? null
            : $"{full}: the folder holds {foreign}, which this tool did not write; publish into a new or empty folder (the tool never deletes files it did not write)";
    }

    /// <summary>Throws a <see cref="PipelineException"/> with <see cref="Refusal"/> when the tool may not write <paramref name="folder"/>.</summary>
    public static void Check(string folder, IEnumerable<ProtectedPath> protectedPaths)
    {
        if (Refusal(folder, protectedPaths) is { } why) throw new PipelineException(why);
    }

    /// <summary>
    /// Writes <paramref name="folder"/> anew: <paramref name="write"/> fills a sibling temp folder, the marker
    /// (listing what was written) is added, and the temp folder is swapped in for the old one.
    /// </summary>
    /// <remarks>Cancelling before the swap leaves the old folder as it was (the temp folder is removed).</remarks>
    public static void Publish(string folder, PublishMarker marker, Action<string> write, IReadOnlyList<ProtectedPath> protectedPaths, CancellationToken cancellation = default)
    {
        Check(folder, protectedPaths);
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var parent = Path.GetDirectoryName(full) ?? throw new PipelineException($"{full}: cannot publish into a file-system root");
        Directory.CreateDirectory(parent);
        var name = Path.GetFileName(full);
        var temp = Path.Combine(parent, $".{name}.tmp-{Guid.NewGuid():N}");
        var old = Path.Combine(parent, $".{name}.old-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(temp);
            write(temp);
            var files = Directory.EnumerateFiles(temp, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(temp, f).Replace('\\', '/'))
                .Where(f => f != PublishMarker.FileName)
                .Order(StringComparer.Ordinal)
                .ToList();
            File.WriteAllText(Path.Combine(temp, PublishMarker.FileName), marker.WithFiles(files).ToJson());
            Check(folder, protectedPaths); // again, right before the swap: nothing foreign arrived meanwhile
            cancellation.ThrowIfCancellationRequested();
            if (Directory.Exists(full))
            {
                Directory.Move(full, old);
                Directory.Move(temp, full);
                // `old` is the folder just checked: every file in it is listed in the tool's own marker.
                Directory.Delete(old, recursive: true);
            }
            else
            {
                Directory.Move(temp, full);
            }
        }
        finally
        {
            // `temp` is a fresh folder this call created (a new GUID in its name).
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
    }

    /// <summary>Copies the files of <paramref name="source"/> and its subfolders (an adapter/) into the published <paramref name="folder"/>.</summary>
    public static void PublishCopy(string source, string folder, PublishMarker marker, IReadOnlyList<ProtectedPath> protectedPaths, CancellationToken cancellation = default) =>
        Publish(folder, marker, temp =>
        {
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                cancellation.ThrowIfCancellationRequested();
                var target = Path.Combine(temp, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }, protectedPaths, cancellation);

    /// <summary>The first file (ordinal path order) that is not listed in the folder's marker; every file when there is no marker.</summary>
    private static string? FirstForeignFile(string folder)
    {
        var marker = PublishMarker.Read(folder);
        var ours = marker?.Files.ToHashSet(StringComparer.Ordinal) ?? [];
        var entries = Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories)
            .Select(e => (Path: e, Relative: Path.GetRelativePath(folder, e).Replace('\\', '/')))
            .OrderBy(e => e.Relative, StringComparer.Ordinal);
        foreach (var (path, relative) in entries)
        {
            if (marker != null && relative == PublishMarker.FileName) continue;
            if (Directory.Exists(path) && new DirectoryInfo(path).LinkTarget is null) continue; // folders count by their files
            if (!ours.Contains(relative)) return relative;
        }
        return null;
    }

    private static bool SamePath(string a, string b) => string.Equals(a, b, StringComparison.Ordinal);

    /// <summary>True when <paramref name="path"/> lies strictly below <paramref name="folder"/>.</summary>
    private static bool IsBelow(string path, string folder)
    {
        var prefix = folder.EndsWith(Path.DirectorySeparatorChar) ? folder : folder + Path.DirectorySeparatorChar;
        return path.StartsWith(prefix, StringComparison.Ordinal);
    }
}
