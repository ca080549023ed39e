namespace Finetune.Pipeline.Store;

/// <summary>The store cannot be used at all (a file where the folder should be, no permission to write): one line, exit 1.</summary>
public sealed class StoreException(string message, Exception? inner = null) : Exception(message, inner);
