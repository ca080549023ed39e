namespace Finetune.Tool.Commands;

/// <summary>Where the store is when no --store is given.</summary>
public static class StorePaths
{
    /// <summary>The store folder; a file in its place is a <see cref="Finetune.Pipeline.Store.StoreException"/> for every command.</summary>
    public static string Resolve(string? option)
    {
        var env = Environment.GetEnvironmentVariable("FINETUNE_STORE");
        var root = Path.GetFullPath(option is { Length: > 0 } ? option : env is { Length: > 0 } ? env : Path.Combine("artifacts", "store"));
        Finetune.Pipeline.Store.StoreLock.RefuseFile(root);
        return root;
    }
}
