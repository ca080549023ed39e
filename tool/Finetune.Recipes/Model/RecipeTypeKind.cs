namespace Finetune.Recipes;

/// <summary>The kinds of value a recipe key can hold.</summary>
internal enum RecipeTypeKind
{
    String,
    Integer,
    Number,
    Boolean,
    Enum,
    Scalar,
    List,
    StringMap,
    Record,
}
