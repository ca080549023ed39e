namespace Finetune.Pipeline.Store;

/// <summary>A folder <c>cache gc</c> removed, how many bytes it held, and why it went.</summary>
public sealed record RemovedPath(string Path, long Bytes, string Why);
