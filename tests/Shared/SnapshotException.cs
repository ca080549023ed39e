namespace Finetune.Testing;

/// <summary>A snapshot did not match or is missing.</summary>
internal sealed class SnapshotException(string message) : Exception(message);
