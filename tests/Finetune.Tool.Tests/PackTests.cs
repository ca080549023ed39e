using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using CliWrap;
using CliWrap.Buffered;
using Finetune.Testing;

namespace Finetune.Tool.Tests;

/// <summary>The packed tool: what it holds, and that it installs from a local feed globally and into a manifest.</summary>
public sealed partial class PackTests(ToolPackage package) : IClassFixture<ToolPackage>
{
    /// <summary>The version the repository declares (Directory.Build.props), read independently of the tool.</summary>
    private static string DeclaredVersion() =>
        VersionElement().Match(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "Directory.Build.props"))).Groups[1].Value;

    [GeneratedRegex("<Version>([^<]+)</Version>")]
    private static partial Regex VersionElement();

    /// <summary>Separate tool home and package folders: nothing from the machine's tools or NuGet cache leaks in.</summary>
    private Dictionary<string, string?> Isolated(string name) => new()
    {
        ["DOTNET_CLI_HOME"] = Directory.CreateDirectory(Path.Combine(package.Dir, name, "home")).FullName,
        ["NUGET_PACKAGES"] = Path.Combine(package.Dir, name, "packages"),
    };

    [Fact]
    public void Package_has_readme_licence_description_and_only_files_loaded_at_run_time()
    {
        Assert.Equal(DeclaredVersion(), package.Version);
        using var zip = ZipFile.OpenRead(package.Nupkg);
        var names = zip.Entries.Select(e => e.FullName).ToList();
        var nuspec = XDocument.Load(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        string? Meta(string name) => nuspec.Descendants().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
        Assert.Equal("README.md", Meta("readme"));
        Assert.Contains("README.md", names);
        Assert.Equal("MIT", Meta("license"));
        Assert.Contains("new tokens", Meta("description"));

        Assert.Contains(names, n => n.EndsWith("/libtorch_cpu.so", StringComparison.Ordinal));
        Assert.Contains(names, n => n.EndsWith("/libLibTorchSharp.so", StringComparison.Ordinal));
        // libtorch's Python bindings, test and mobile backends, and other platforms' native libraries are never loaded.
        foreach (var unused in new[] { "libtorch_python", "libjitbackend_test", "libtorchbind_test", "libnnapi_backend", "libshm", "libbackend_with_compiler", "libaoti_custom_ops" })
            Assert.DoesNotContain(names, n => n.Contains(unused, StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n.Contains("/runtimes/", StringComparison.Ordinal) && !n.Contains("/runtimes/linux-x64/", StringComparison.Ordinal));
        // README "The tool package" gives the makeup; a package that grows past this has gained something by mistake
        // (libtorch for every platform made it 287 MB).
        Assert.True(new FileInfo(package.Nupkg).Length < 150L * 1024 * 1024, $"{new FileInfo(package.Nupkg).Length} bytes");
    }

    [Fact]
    public async Task Installs_globally_from_a_local_feed_and_answers_version()
    {
        var env = Isolated("global");
        var install = await ToolPackage.Dotnet(package.Dir, env, "tool", "install", "-g", "Finetune.Tool", "--add-source", package.Feed, "--version", package.Version);
        Assert.True(install.ExitCode == 0, install.StandardOutput + install.StandardError);
        var tool = Path.Combine(env["DOTNET_CLI_HOME"]!, ".dotnet", "tools", "dotnet-finetune");
        Assert.True(File.Exists(tool), tool);
        var version = await Cli.Wrap(tool).WithArguments(["--version"]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.True(version.ExitCode == 0, version.StandardError);
        Assert.StartsWith(DeclaredVersion(), version.StandardOutput.Trim());
    }

    [Fact]
    public async Task Installs_into_a_tool_manifest_and_answers_dotnet_finetune()
    {
        var env = Isolated("manifest");
        var work = Directory.CreateDirectory(Path.Combine(package.Dir, "manifest", "work")).FullName;
        Assert.Equal(0, (await ToolPackage.Dotnet(work, env, "new", "tool-manifest")).ExitCode);
        var install = await ToolPackage.Dotnet(work, env, "tool", "install", "Finetune.Tool", "--add-source", package.Feed, "--version", package.Version);
        Assert.True(install.ExitCode == 0, install.StandardOutput + install.StandardError);
        var help = await ToolPackage.Dotnet(work, env, "finetune", "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.StartsWith($"dotnet finetune {DeclaredVersion()}", help.StandardOutput);
        Assert.Contains("dotnet finetune [OPTIONS] <COMMAND>", help.StandardOutput);
    }
}
