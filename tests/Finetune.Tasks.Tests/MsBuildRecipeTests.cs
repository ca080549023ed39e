using CliWrap;
using CliWrap.Buffered;
using Finetune.Testing;

namespace Finetune.Tasks.Tests;

/// <summary>
/// Builds a throwaway project that imports build/Finetune.Tasks.props and .targets from the source folder
/// (as the package's build/ folder does), with the tasks from this build: the per-item and per-property
/// behaviour. TasksPackageTests covers the packed package.
/// </summary>
public sealed class MsBuildRecipeTests
{
    private static readonly string TasksAssembly = Path.Combine(AppContext.BaseDirectory, "Finetune.Tasks.dll");
    private static readonly string Props = Path.Combine(TestPaths.RepoRoot, "tasks", "Finetune.Tasks", "build", "Finetune.Tasks.props");
    private static readonly string Targets = Path.Combine(TestPaths.RepoRoot, "tasks", "Finetune.Tasks", "build", "Finetune.Tasks.targets");

    private const string GoodRecipe = """
        name: good
        model: { path: models/none }
        data:
          path: data/none.jsonl
        train:
          learning_rate: 2.0e-5
        """;

    private static string MakeProject(string dir, string items, string properties = "")
    {
        File.WriteAllText(Path.Combine(dir, "RecipesCheck.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <Import Project="{Props}" />
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <FinetuneTasksAssembly>{TasksAssembly}</FinetuneTasksAssembly>
                <EnableDefaultFinetuneRecipeItems>false</EnableDefaultFinetuneRecipeItems>
                {properties}
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
    public async Task Properties_pick_the_recipe_glob_switch_path_checks_off_and_switch_validation_off()
    {
        var dir = TestPaths.NewTempDir();
        Directory.CreateDirectory(Path.Combine(dir, "recipes"));
        Directory.CreateDirectory(Path.Combine(dir, "ci"));
        File.WriteAllText(Path.Combine(dir, "recipes", "outside-the-glob.yaml"), "name: [broken\n");
        File.WriteAllText(Path.Combine(dir, "ci", "good.yml"), GoodRecipe); // its model and data paths do not exist
        MakeProject(dir, "", """
            <EnableDefaultFinetuneRecipeItems>true</EnableDefaultFinetuneRecipeItems>
            <FinetuneRecipeGlob>ci/*.yml</FinetuneRecipeGlob>
            <FinetuneRecipeCheckPaths>false</FinetuneRecipeCheckPaths>
            """);
        var globbed = await Build(dir);
        Assert.True(globbed.ExitCode == 0, globbed.StandardOutput);
        Assert.Contains("good.yml: recipe ok", globbed.StandardOutput);

        File.WriteAllText(Path.Combine(dir, "ci", "bad.yml"), "name: [broken\n");
        MakeProject(dir, "", """
            <EnableDefaultFinetuneRecipeItems>true</EnableDefaultFinetuneRecipeItems>
            <FinetuneRecipeGlob>ci/*.yml</FinetuneRecipeGlob>
            <FinetuneValidateRecipes>false</FinetuneValidateRecipes>
            """);
        var off = await Build(dir);
        Assert.True(off.ExitCode == 0, off.StandardOutput);
        Assert.DoesNotContain("recipe ok", off.StandardOutput);
    }

    [Fact]
    public async Task FinetunePreflight_runs_the_tools_preflight_and_reports_its_errors_at_file_line_column()
    {
        var dir = TestPaths.NewTempDir();
        var model = Path.Combine(TestPaths.RepoRoot, "recipes", "models", "tiny-llama");
        var data = Path.Combine(TestPaths.RepoRoot, "recipes", "data", "demo-reasoning.jsonl");
        // <|eot_id|> is one of the tiny model's own special tokens (its tokenizer.json), so adding it again is
        // preflight's FT104 (recipes/ERRORS.md); the recipe loader alone cannot know that.
        File.WriteAllText(Path.Combine(dir, "exists.yaml"), $"""
            name: exists
            model:
              path: "{model}"
            tokens:
              add: ["<think>", "<|eot_id|>"]
            data:
              path: "{data}"
            """);
        File.WriteAllText(Path.Combine(dir, "elsewhere.yaml"), "name: elsewhere\nmodel: { path: models/none }\n");
        MakeProject(dir, """
            <FinetuneRecipe Include="exists.yaml" />
            <FinetuneRecipe Include="elsewhere.yaml" CheckPaths="false" />
            """, $"""
            <FinetunePreflight>true</FinetunePreflight>
            <FinetuneTool>dotnet "{TestPaths.ToolDll}"</FinetuneTool>
            """);
        var result = await Build(dir);
        var output = result.StandardOutput;
        Assert.NotEqual(0, result.ExitCode);
        // Line 5, column 20 is the second item of tokens.add (counted by hand in the YAML above).
        Assert.Contains($"{Path.Combine(dir, "exists.yaml")}(5,20): error FT104: ", output);
        Assert.DoesNotContain("elsewhere.yaml(", output); // paths unchecked: no preflight for it

        // Without the property only the in-process checks run, and the recipe loads.
        MakeProject(dir, """<FinetuneRecipe Include="exists.yaml" />""");
        var off = await Build(dir);
        Assert.True(off.ExitCode == 0, off.StandardOutput);
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
