namespace Finetune.Recipes;

/// <summary>A list.</summary>
internal sealed record YamlSequence(IReadOnlyList<YamlNode> Items, int Line, int Column) : YamlNode(Line, Column)
{
    public override string Describe() => "a list";
}
