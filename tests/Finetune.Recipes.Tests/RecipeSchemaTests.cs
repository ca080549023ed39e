using System.Text.Json.Nodes;

namespace Finetune.Recipes.Tests;

/// <summary>recipes/recipe.schema.json is generated from the records and checked in.</summary>
public sealed class RecipeSchemaTests
{
    private static string CheckedIn => Path.Combine(Finetune.Testing.TestPaths.RepoRoot, RecipeSchema.RelativePath);

    [Fact]
    public void Checked_in_schema_is_current()
    {
        var generated = RecipeSchema.Generate();
        if (Environment.GetEnvironmentVariable("UPDATE_SCHEMA") == "1")
            File.WriteAllText(CheckedIn, generated);
        var onDisk = File.Exists(CheckedIn) ? File.ReadAllText(CheckedIn) : "";
        Assert.True(onDisk == generated,
            $"{RecipeSchema.RelativePath} is stale: run `UPDATE_SCHEMA=1 dotnet test tests/Finetune.Recipes.Tests --filter Checked_in_schema_is_current` and commit it");
    }

    [Fact]
    public void Every_key_is_documented()
    {
        var schema = JsonNode.Parse(RecipeSchema.Generate())!;
        var keys = new List<string>();
        Walk(schema, "", keys);
        Assert.Contains("train.learning_rate", keys);
        Assert.Contains("data.messages[].content", keys);
        Assert.Equal(65, keys.Count); // counted by hand: 8 sections + 3 model + 5 tokens + 6 seed + 11 data + 23 train + 5 evaluate + 4 export
    }

    [Fact]
    public void Ranges_enums_and_defaults_are_in_the_schema()
    {
        var train = JsonNode.Parse(RecipeSchema.Generate())!["properties"]!["train"]!["properties"]!;
        var learningRate = train["learning_rate"]!;
        Assert.Equal("Peak learning rate (> 0).", learningRate["description"]!.GetValue<string>());
        Assert.Equal("number", learningRate["type"]!.GetValue<string>());
        Assert.Equal(0.0, learningRate["exclusiveMinimum"]!.GetValue<double>());
        Assert.Null(learningRate["minimum"]);
        Assert.Equal(1e-5, learningRate["default"]!.GetValue<double>());
        Assert.Equal(["adamw", "adamw_8bit"], train["optimizer"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal("^(epoch|end|steps [1-9][0-9]*)$", train["save"]!["pattern"]!.GetValue<string>());
    }

    /// <summary>Collects every property path and asserts it has a description.</summary>
    private static void Walk(JsonNode node, string path, List<string> keys)
    {
        if (node["items"] is { } items)
            Walk(items, path + "[]", keys);
        if (node["properties"] is not JsonObject properties)
            return;
        foreach (var (key, child) in properties)
        {
            var childPath = path.Length == 0 ? key : $"{path}.{key}";
            Assert.False(string.IsNullOrWhiteSpace(child!["description"]?.GetValue<string>()), $"{childPath} has no description");
            keys.Add(childPath);
            Walk(child, childPath, keys);
        }
    }
}
