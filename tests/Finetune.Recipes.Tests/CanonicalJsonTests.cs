using System.Text.Json.Nodes;

namespace Finetune.Recipes.Tests;

public sealed class CanonicalJsonTests
{
    [Theory]
    [InlineData(2.0, "2")]
    [InlineData(-3.0, "-3")]
    [InlineData(0.003, "0.003")]
    [InlineData(1e-5, "1e-5")]
    [InlineData(1.5e-8, "1.5e-8")]
    [InlineData(1e20, "1e20")]
    [InlineData(0.1, "0.1")]
    public void Numbers_have_one_spelling(double value, string expected) =>
        Assert.Equal(expected, CanonicalJson.FormatNumber(value));

    [Fact]
    public void Keys_sort_ordinally_and_text_is_kept_readable()
    {
        var node = JsonNode.Parse("""{ "b": [1.0, "é<"], "a": {"z": null, "Z": true}, "c": 1E-05 }""");
        Assert.Equal("""{"a":{"Z":true,"z":null},"b":[1,"é<"],"c":1e-5}""", CanonicalJson.Write(node));
    }

    [Fact]
    public void Recipe_json_and_reasons_use_the_same_spelling()
    {
        Assert.Equal("1e-5", RecipeJson.Canonical(1e-5));
        Assert.Equal([new JsonChange("lr", "1e-5", "0.003")], RecipeJsonDiff.Diff("""{"lr":1E-05}""", """{"lr":3.0e-3}"""));
    }
}
