namespace Finetune.Recipes.Tests;

/// <summary>The "why" lines of plan, from two canonical section texts.</summary>
public sealed class RecipeJsonDiffTests
{
    [Fact]
    public void Learning_rate_change_reads_like_the_recipe()
    {
        var a = RecipeText.Load(RecipeText.Minimal + "train: { learning_rate: 1e-5 }\n").Train;
        var b = RecipeText.Load(RecipeText.Minimal + "train: { learning_rate: 2.0e-5, optimizer: adamw_8bit }\n").Train;
        Assert.Equal(["learning_rate 1e-5 -> 2e-5", "optimizer adamw -> adamw_8bit"],
            RecipeJsonDiff.Changes(RecipeJson.Canonical(a), RecipeJson.Canonical(b)));
    }

    [Fact]
    public void Same_section_has_no_changes()
    {
        var a = RecipeText.Load(RecipeText.Minimal + "train: { learning_rate: 0.00001 }\n").Train;
        var b = RecipeText.Load(RecipeText.Minimal + "train: { learning_rate: 1e-5 }  # same\n").Train;
        Assert.Empty(RecipeJsonDiff.Changes(RecipeJson.Canonical(a), RecipeJson.Canonical(b)));
    }

    [Fact]
    public void Lists_maps_and_added_keys_are_shown()
    {
        Assert.Equal(
            ["add [\"<a>\"] -> [\"<b>\"]", "new (absent) -> 1", "vars.x 1 -> 2"],
            RecipeJsonDiff.Changes("{\"add\":[\"<a>\"],\"vars\":{\"x\":\"1\"}}", "{\"add\":[\"<b>\"],\"new\":1,\"vars\":{\"x\":\"2\"}}"));
    }
}
