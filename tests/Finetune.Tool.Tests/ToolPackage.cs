using CliWrap;
using CliWrap.Buffered;
using Finetune.Testing;

namespace Finetune.Tool.Tests;

/// <summary>
/// The tool packed once (from this build, <c>--no-build</c>) into a local feed, shared by every test in
/// <see cref="PackTests"/>: packing compresses libtorch and takes most of a minute on 2 cores.
/// </summary>
public sealed class ToolPackage : IAsyncLifetime
{
    public string Dir { get; } = TestPaths.NewTempDir("ft-pack");

    public string Feed => Path.Combine(Dir, "feed");

    public string Nupkg { get; private set; } = "";

    /// <summary>The package version, from the nupkg's name.</summary>
    public string Version => Path.GetFileNameWithoutExtension(Nupkg)["Finetune.Tool.".Length..];

    public async Task InitializeAsync()
    {
        var project = Path.Combine(TestPaths.RepoRoot, "tool", "Finetune.Tool", "Finetune.Tool.csproj");
        var pack = await Dotnet(Dir, new Dictionary<string, string?>(), "pack", project, "-c", TestPaths.Configuration, "--no-build", "-o", Feed, "-nodeReuse:false");
        if (pack.ExitCode != 0)
            throw new InvalidOperationException($"dotnet pack failed: {pack.StandardOutput}{pack.StandardError}");
        Nupkg = Directory.GetFiles(Feed, "Finetune.Tool.*.nupkg").Single();
    }

    /// <summary>The packed tool and its installs take ~1.5 GB: the fixture removes its own temp folder.</summary>
    public Task DisposeAsync()
    {
        try { Directory.Delete(Dir, recursive: true); }
        catch (IOException) { }                    // a file still held open: the OS temp cleaner takes it
        catch (UnauthorizedAccessException) { }
        return Task.CompletedTask;
    }

    /// <summary>Runs <c>dotnet ARGS</c> in DIR with extra environment variables.</summary>
    public static async Task<BufferedCommandResult> Dotnet(string dir, IReadOnlyDictionary<string, string?> env, params string[] args) =>
        await Cli.Wrap("dotnet").WithArguments(args).WithWorkingDirectory(dir).WithEnvironmentVariables(env)
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
}
