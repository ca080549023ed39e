namespace Finetune.Recipes;

/// <summary>Where a recipe key and its value were written.</summary>
internal sealed record LocatedNode(YamlNode Key, YamlNode Value);
