namespace Finetune.Pipeline.Store;

/// <summary>One file in a store entry.</summary>
public sealed record StoreFile(string Path, long Size, string Sha256);
