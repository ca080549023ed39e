namespace Finetune.Recipes;

/// <summary>A mapping, its entries in file order (duplicates kept so they can be reported).</summary>
internal sealed record YamlMapping(IReadOnlyList<KeyValuePair<YamlNode, YamlNode>> Entries, int Line, int Column) : YamlNode(Line, Column)
{
    public override string Describe() => "a mapping";
}
