using System.Reflection;

namespace Finetune.Recipes;

/// <summary>The shape of a recipe value: kind, CLR type, whether null is allowed, and the item type of a list.</summary>
internal sealed record RecipeType(RecipeTypeKind Kind, Type ClrType, bool Nullable, RecipeType? Item)
{
    public static RecipeType Of(Type type, NullabilityInfo? nullability)
    {
        var underlying = System.Nullable.GetUnderlyingType(type);
        var nullable = underlying != null || nullability?.ReadState == NullabilityState.Nullable;
        var clr = underlying ?? type;
        if (clr == typeof(string))
            return new(RecipeTypeKind.String, clr, nullable, null);
        if (clr == typeof(int))
            return new(RecipeTypeKind.Integer, clr, nullable, null);
        if (clr == typeof(double))
            return new(RecipeTypeKind.Number, clr, nullable, null);
        if (clr == typeof(bool))
            return new(RecipeTypeKind.Boolean, clr, nullable, null);
        if (clr.IsEnum)
            return new(RecipeTypeKind.Enum, clr, nullable, null);
        if (clr.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IRecipeScalar<>)))
            return new(RecipeTypeKind.Scalar, clr, nullable, null);
        if (clr.IsGenericType && clr.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            var itemType = clr.GetGenericArguments()[0];
            var itemNullability = nullability?.GenericTypeArguments.FirstOrDefault();
            return new(RecipeTypeKind.List, clr, nullable, Of(itemType, itemNullability));
        }
        if (clr == typeof(IReadOnlyDictionary<string, string>))
            return new(RecipeTypeKind.StringMap, clr, nullable, null);
        if (clr.IsClass && clr.GetConstructor(Type.EmptyTypes) != null)
            return new(RecipeTypeKind.Record, clr, nullable, null);
        throw new NotSupportedException($"recipe values of type {clr} are not supported");
    }

    /// <summary>This type with null not allowed (a required key must have a value).</summary>
    public RecipeType NotNull() => this with { Nullable = false };

    /// <summary>"an integer", "a list", ... for "must be ..." messages.</summary>
    public string Describe() => Kind switch
    {
        RecipeTypeKind.String => "a string",
        RecipeTypeKind.Integer => "an integer",
        RecipeTypeKind.Number => "a number",
        RecipeTypeKind.Boolean => "true or false",
        RecipeTypeKind.Enum => "one of " + string.Join(", ", RecipeMember.EnumNames(ClrType)),
        RecipeTypeKind.Scalar => "a string",
        RecipeTypeKind.List => "a list",
        RecipeTypeKind.StringMap => "a mapping of names to strings",
        _ => "a mapping",
    };

    /// <summary>Calls the static TryParse of an <see cref="IRecipeScalar{TSelf}"/> type.</summary>
    public bool TryParseScalar(string text, out object? value, out string error)
    {
        var method = ClrType.GetMethod("TryParse", BindingFlags.Public | BindingFlags.Static, [typeof(string), ClrType.MakeByRefType(), typeof(string).MakeByRefType()])
            ?? throw new InvalidOperationException($"{ClrType} has no TryParse(string, out {ClrType.Name}, out string)");
        object?[] args = [text, null, null];
        var ok = (bool)method.Invoke(null, args)!;
        value = args[1];
        error = (string)args[2]!;
        return ok;
    }

    /// <summary>The JSON-schema pattern of an <see cref="IRecipeScalar{TSelf}"/> type.</summary>
    public string ScalarPattern() =>
        (string)ClrType.GetProperty("Pattern", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
}
