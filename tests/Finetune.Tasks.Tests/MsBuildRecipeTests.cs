using CliWrap;
using CliWrap.Buffered;
using Finetune.Testing;

namespace Finetune.Tasks.Tests;

/// <summary>Builds a throwaway project that imports build/Finetune.Tasks.targets, as a user's project would.</summary>
public sealed class MsBuildRecipeTests
{
    private static readonly string TasksAssembly = Path.Combine(AppContext.BaseDirectory, "Finetune.Tasks.dll");
    private static readonly string Targets = Path.Combine(TestPaths.RepoRoot, "tasks", "Finetune.Tasks", "build", "Finetune.Tasks.targets");

    private const string GoodRecipe = """
        name: good
        model: { path: models/none }
        data:
          path: data/none.jsonl
        train:
          learning_rate: 2.0e-5
        """;

    private static string MakeProject(string dir, string items)
    {
        File.WriteAllText(Path.Combine(dir, "RecipesCheck.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <FinetuneTasksAssembly>{TasksAssembly}</FinetuneTasksAssembly>
              </PropertyGroup>
              <ItemGroup>{items}</ItemGroup>
              <Import Project="{Targets}" />
            </Project>
            """);
        return dir;
    }

    private static async Task<BufferedCommandResult> Build(string dir, string target = "Build") =>
        await Cli.Wrap("dotnet")
            .WithArguments(["build", "RecipesCheck.csproj", "-t:" + target, "-nologo", "-v:n", "-p:NuGetAudit=false", "-nodeReuse:false"])
            .WithWorkingDirectory(dir)
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();

    [Fact]
    public async Task A_broken_recipe_fails_the_build_with_msbuild_errors_at_file_line_column()
    {
        var dir = TestPaths.NewTempDir();
        File.WriteAllText(Path.Combine(dir, "broken.yaml"), """
            name: broken
            model: { path: models/none }
            train:
              learning_rat: 1.0e-5
              epochs: 0
            """);
        MakeProject(dir, """<FinetuneRecipe Include="broken.yaml" CheckPaths="false" />""");
        var result = await Build(dir);
        var output = result.StandardOutput;
        Assert.NotEqual(0, result.ExitCode);
        var file = Path.Combine(dir, "broken.yaml");
        // Line 4 col 3 is `learning_rat`, line 5 col 11 is the value 0 (counted by hand in the YAML above).
        Assert.Contains($"{file}(4,3): error FT", output);
        Assert.Contains("learning_rate", output); // the did-you-mean hint
        Assert.Contains($"{file}(5,11): error FT", output);
    }

    [Fact]
    public async Task A_valid_recipe_builds_and_path_checks_follow_item_metadata()
    {
        var dir = TestPaths.NewTempDir();
        File.WriteAllText(Path.Combine(dir, "good.yaml"), GoodRecipe);
        MakeProject(dir, """<FinetuneRecipe Include="good.yaml" CheckPaths="false" />""");
        var ok = await Build(dir);
        Assert.True(ok.ExitCode == 0, ok.StandardOutput);

        MakeProject(dir, """<FinetuneRecipe Include="good.yaml" />""");
        var missing = await Build(dir);
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains($"{Path.Combine(dir, "good.yaml")}(2,16): error FT", missing.StandardOutput);
    }

    [Fact]
    public async Task RunRecipe_runs_the_tool_out_of_process_and_streams_its_output()
    {
        var dir = TestPaths.NewTempDir();
        File.WriteAllText(Path.Combine(dir, "good.yaml"), GoodRecipe);
        var toolDll = TestPaths.ToolDll;
        Assert.True(File.Exists(toolDll), toolDll);
        File.WriteAllText(Path.Combine(dir, "RecipesCheck.csproj"), $"""
            <Project>
              <PropertyGroup><FinetuneTasksAssembly>{TasksAssembly}</FinetuneTasksAssembly></PropertyGroup>
              <Import Project="{Targets}" />
              <Target Name="Check">
                <RunRecipe ToolPath="dotnet" ToolAssembly="{toolDll}" Verb="validate" Recipe="good.yaml" />
              </Target>
            </Project>
            """);
        var result = await Build(dir, "Check");
        // The tool checks paths by default: model/none does not exist, so the tool exits 1 and the task fails.
        Assert.NotEqual(0, result.ExitCode);
        Assert.True(result.StandardOutput.Contains("good.yaml:2:16: error FT"), result.StandardOutput); // the tool's own line, streamed
        Assert.Contains("dotnet finetune validate good.yaml exited with 1", result.StandardOutput);
    }
}
