namespace Finetune.Pipeline.Store;

/// <summary>Another run holds the store lock.</summary>
public sealed class StoreLockedException(string message) : Exception(message);
