namespace Finetune.Pipeline.Store;

/// <summary>A store entry moved aside because its files no longer matched its manifest.</summary>
public sealed record QuarantinedEntry(string Stage, string Key, string Path, string Problem, long Bytes);
