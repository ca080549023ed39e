namespace Finetune.Pipeline.Publishing;

/// <summary>
/// A single file the tool writes outside the store (<c>--out FILE</c>): it must not exist yet (the tool
/// cannot tell its own earlier output from a user's file, so it never replaces one), and it appears whole
/// or not at all (written beside it, then renamed into place without overwriting).
/// </summary>
public static class OutputFile
{
    /// <summary>Throws a <see cref="PipelineException"/> naming the file when something is already there.</summary>
    public static void Check(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new PipelineException($"{full}: is a folder; give --out a new file name");
        if (File.Exists(full) || new FileInfo(full).LinkTarget != null)
            throw new PipelineException($"{full}: already exists; the tool never overwrites a file it cannot tell it wrote (remove it yourself or choose another --out)");
    }

    public static void Write(string path, Action<Stream> write)
    {
        Check(path);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                write(stream);
            File.Move(temp, full, overwrite: false);
        }
        catch (IOException) when (File.Exists(full) && File.Exists(temp))
        {
            throw new PipelineException($"{full}: appeared while it was being written; the tool never overwrites a file it cannot tell it wrote");
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp); // the temp file this call created (a new GUID in its name)
        }
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, stream =>
        {
            var bytes = new System.Text.UTF8Encoding(false).GetBytes(text);
            stream.Write(bytes);
        });
}
