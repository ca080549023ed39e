namespace Finetune.Pipeline.Store;

/// <summary>A file's content hash and the facts it was computed for.</summary>
public sealed record FileFingerprint(string Path, long Size, long MtimeTicks, long Inode, string Sha256);
