namespace Finetune.Tool.Commands;

/// <summary>Where the store is when no --store is given.</summary>
public static class StorePaths
{
    public static string Resolve(string? option)
    {
        if (option is { Length: > 0 }) return Path.GetFullPath(option);
        var env = Environment.GetEnvironmentVariable("FINETUNE_STORE");
        return Path.GetFullPath(env is { Length: > 0 } ? env : Path.Combine("artifacts", "store"));
    }
}
