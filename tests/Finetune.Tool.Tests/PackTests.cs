using CliWrap;
using CliWrap.Buffered;
using Finetune.Testing;

namespace Finetune.Tool.Tests;

/// <summary>The packed tool installs from a local folder into a tool manifest and answers `dotnet finetune`.</summary>
public sealed class PackTests
{
    private static async Task<BufferedCommandResult> Dotnet(string dir, params string[] args) =>
        await Cli.Wrap("dotnet").WithArguments(args).WithWorkingDirectory(dir)
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();

    [Fact]
    public async Task Packed_tool_installs_from_a_local_folder_and_answers_help()
    {
        var dir = TestPaths.NewTempDir("ft-pack");
        var feed = Path.Combine(dir, "feed");
        var project = Path.Combine(TestPaths.RepoRoot, "tool", "Finetune.Tool", "Finetune.Tool.csproj");
        var pack = await Dotnet(dir, "pack", project, "-c", TestPaths.Configuration, "--no-build", "-o", feed, "-p:NuGetAudit=false");
        Assert.True(pack.ExitCode == 0, pack.StandardOutput + pack.StandardError);
        var nupkg = Assert.Single(Directory.GetFiles(feed, "Finetune.Tool.*.nupkg"));
        using (var zip = System.IO.Compression.ZipFile.OpenRead(nupkg))
        {
            var names = zip.Entries.Select(e => e.FullName).ToList();
            Assert.Contains(names, n => n.EndsWith("libLibTorchSharp.so"));
            Assert.DoesNotContain(names, n => n.EndsWith("libtorch_python.so")); // unused libtorch parts stay out
        }

        var work = Directory.CreateDirectory(Path.Combine(dir, "work")).FullName;
        Assert.Equal(0, (await Dotnet(work, "new", "tool-manifest")).ExitCode);
        var install = await Dotnet(work, "tool", "install", "Finetune.Tool", "--add-source", feed);
        Assert.True(install.ExitCode == 0, install.StandardOutput + install.StandardError);
        var help = await Dotnet(work, "finetune", "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("dotnet finetune [OPTIONS] <COMMAND>", help.StandardOutput);
    }
}
