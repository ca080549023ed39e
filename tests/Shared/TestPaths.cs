namespace Finetune.Testing;

/// <summary>Where the repository and the shared reference data (../shared beside the checkout) are.</summary>
internal static class TestPaths
{
    /// <summary>The repository root: the nearest folder above the test binaries holding Recipes.sln.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>../shared beside the checkout (FINETUNE_SHARED overrides).</summary>
    public static string Shared { get; } = Environment.GetEnvironmentVariable("FINETUNE_SHARED") is { Length: > 0 } s
        ? Path.GetFullPath(s)
        : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));

    /// <summary>A file under ../shared/reference; fails the test clearly when the data is missing.</summary>
    public static string Reference(params string[] parts)
    {
        var path = Path.Combine([Shared, "reference", .. parts]);
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new FileNotFoundException($"reference data missing: {path} (tests expect ../shared beside the checkout)", path);
        return path;
    }

    /// <summary>The build configuration these tests were built in (Debug or Release).</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";

    /// <summary>The built CLI (<c>dotnet-finetune.dll</c>) of the same configuration, for out-of-process tests.</summary>
    public static string ToolDll => Path.Combine(RepoRoot, "tool", "Finetune.Tool", "bin", Configuration, "net10.0", "dotnet-finetune.dll");

    /// <summary>A fresh empty temp folder, removed by the OS temp cleaner; unique per call.</summary>
    public static string NewTempDir(string prefix = "ft")
    {
        var dir = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Recipes.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"no Recipes.sln above {AppContext.BaseDirectory}");
    }
}
