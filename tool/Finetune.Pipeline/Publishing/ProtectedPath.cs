namespace Finetune.Pipeline.Publishing;

/// <summary>
/// A place the tool must never publish over: the folder itself and every folder above it are refused, and
/// with <see cref="Inside"/> every folder below it too (the store, a model or data folder).
/// </summary>
public sealed record ProtectedPath(string Path, string What, bool Inside)
{
    public string FullPath => System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(Path));
}
