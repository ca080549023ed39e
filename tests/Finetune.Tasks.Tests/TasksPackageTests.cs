using System.IO.Compression;
using CliWrap;
using CliWrap.Buffered;
using Finetune.Testing;

namespace Finetune.Tasks.Tests;

/// <summary>
/// The Finetune.Tasks NuGet package as a user gets it: packed from this build, served from a local feed,
/// referenced by a fresh project in a temp folder with nothing but a PackageReference, and run by
/// <c>dotnet build</c>. One pack and two builds (a broken recipe, then the fixed one).
/// </summary>
public sealed class TasksPackageTests
{
    private static async Task<BufferedCommandResult> Dotnet(string dir, IReadOnlyDictionary<string, string?> env, params string[] args) =>
        await Cli.Wrap("dotnet").WithArguments(args).WithWorkingDirectory(dir)
            .WithEnvironmentVariables(env)
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();

    [Fact]
    public async Task A_fresh_project_referencing_the_package_validates_its_recipes_in_dotnet_build()
    {
        var dir = TestPaths.NewTempDir("ft-tasks-pkg");
        var feed = Path.Combine(dir, "feed");
        // A packages folder of its own: the user's global NuGet cache may hold an older package of the same version.
        var env = new Dictionary<string, string?> { ["NUGET_PACKAGES"] = Path.Combine(dir, "packages") };
        var project = Path.Combine(TestPaths.RepoRoot, "tasks", "Finetune.Tasks", "Finetune.Tasks.csproj");
        var pack = await Dotnet(dir, env, "pack", project, "-c", TestPaths.Configuration, "--no-build", "-o", feed, "-nodeReuse:false");
        Assert.True(pack.ExitCode == 0, pack.StandardOutput + pack.StandardError);

        var nupkg = Assert.Single(Directory.GetFiles(feed, "Finetune.Tasks.*.nupkg"));
        var version = Path.GetFileNameWithoutExtension(nupkg)["Finetune.Tasks.".Length..];
        using (var zip = ZipFile.OpenRead(nupkg))
        {
            var names = zip.Entries.Select(e => e.FullName).ToHashSet();
            foreach (var expected in new[] { "build/Finetune.Tasks.props", "build/Finetune.Tasks.targets",
                         "buildTransitive/Finetune.Tasks.props", "buildTransitive/Finetune.Tasks.targets", "README.md",
                         "tasks/net10.0/Finetune.Tasks.dll", "tasks/net10.0/Finetune.Recipes.dll", "tasks/net10.0/YamlDotNet.dll" })
                Assert.Contains(expected, names);
            // MSBuild brings its own; a copy in the package could only clash with it. Nothing to compile against either.
            Assert.DoesNotContain(names, n => n.Contains("Microsoft.Build", StringComparison.Ordinal) || n.StartsWith("lib/", StringComparison.Ordinal));
        }

        var consumer = Directory.CreateDirectory(Path.Combine(dir, "consumer")).FullName;
        File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        // What the README tells a user to write; path checks off because the recipe's model lives elsewhere.
        File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <FinetuneRecipeCheckPaths>false</FinetuneRecipeCheckPaths>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Finetune.Tasks" Version="{version}" PrivateAssets="all" />
              </ItemGroup>
            </Project>
            """);
        // Found by the default glob recipes/**/*.yaml, one folder down.
        var recipe = Path.Combine(Directory.CreateDirectory(Path.Combine(consumer, "recipes", "ci")).FullName, "broken.yaml");
        File.WriteAllText(recipe, """
            name: broken
            model: { path: models/none }
            train:
              learning_rat: 1.0e-5
              epochs: 0
            """);

        var broken = await Dotnet(consumer, env, "build", "-nologo", "-nodeReuse:false");
        Assert.NotEqual(0, broken.ExitCode);
        // Line 4 col 3 is `learning_rat` (FT002, unknown key), line 5 col 11 the value 0 (FT006, out of range):
        // counted by hand in the YAML above; codes from recipes/ERRORS.md.
        Assert.Contains($"{recipe}(4,3): error FT002: unknown key `learning_rat` in `train` (did you mean `learning_rate`?)", broken.StandardOutput);
        Assert.Contains($"{recipe}(5,11): error FT006: ", broken.StandardOutput);

        File.WriteAllText(recipe, """
            name: fixed
            model: { path: models/none }
            train:
              learning_rate: 1.0e-5
              epochs: 1
            """);
        var good = await Dotnet(consumer, env, "build", "-nologo", "-nodeReuse:false");
        Assert.True(good.ExitCode == 0, good.StandardOutput + good.StandardError);
    }
}
