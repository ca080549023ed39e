namespace Finetune.Recipes.Tests;

public sealed class TokensIfExistsTests
{
    private static RecipeLoadResult Load(string tokens) =>
        RecipeLoader.TryLoadText($"name: x\nmodel:\n  path: m\ntokens:\n  add: [\"<answer>\"]\n{tokens}", "/tmp/r.yaml", checkPaths: false);

    [Fact]
    public void Defaults_to_error() => Assert.Equal(TokenIfExists.Error, Load("").Recipe!.Tokens.IfExists);

    [Fact]
    public void Reuse_is_read() => Assert.Equal(TokenIfExists.Reuse, Load("  if_exists: reuse\n").Recipe!.Tokens.IfExists);

    [Fact]
    public void Other_words_are_refused_with_the_choices()
    {
        var d = Assert.Single(Load("  if_exists: skip\n").Diagnostics);
        Assert.Equal((6, 14, "FT007"), (d.Line, d.Column, d.Code));
        Assert.StartsWith("`tokens.if_exists` must be one of error, reuse, got `skip`", d.Message);
    }
}
