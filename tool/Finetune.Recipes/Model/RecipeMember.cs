using System.Collections.Concurrent;
using System.ComponentModel;
using System.Reflection;
using System.Text.Json;

namespace Finetune.Recipes;

/// <summary>One YAML key of a recipe record: its property, snake_case name, value type and rules.</summary>
internal sealed record RecipeMember(PropertyInfo Property, string Key, RecipeType Type, string Description)
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyList<RecipeMember>> Cache = new();

    public bool Required => Property.IsDefined(typeof(RecipeRequiredAttribute));

    public RecipeRangeAttribute? Range => Property.GetCustomAttribute<RecipeRangeAttribute>();

    public bool IsRegex => Property.IsDefined(typeof(RecipeRegexAttribute));

    public RecipePathAttribute? PathRule => Property.GetCustomAttribute<RecipePathAttribute>();

    /// <summary>The keys of a record type in declaration order.</summary>
    public static IReadOnlyList<RecipeMember> Of(Type type) => Cache.GetOrAdd(type, static t => Scan(t, new NullabilityInfoContext()));

    private static List<RecipeMember> Scan(Type t, NullabilityInfoContext nullability) =>
        t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } && !p.IsDefined(typeof(RecipeIgnoreAttribute)))
            .OrderBy(p => p.MetadataToken)
            .Select(p => new RecipeMember(
                p,
                p.GetCustomAttribute<RecipeNameAttribute>()?.Name ?? SnakeCase(p.Name),
                RecipeType.Of(p.PropertyType, nullability.Create(p)),
                p.GetCustomAttribute<DescriptionAttribute>()?.Description
                    ?? throw new InvalidOperationException($"{t.Name}.{p.Name} has no [Description]: every recipe key is documented")))
            .ToList();

    /// <summary>PascalCase to snake_case, as every key and enum value is spelled in YAML.</summary>
    public static string SnakeCase(string name) => JsonNamingPolicy.SnakeCaseLower.ConvertName(name);

    /// <summary>The YAML spelling of an enum value.</summary>
    public static string EnumName(Type enumType, object value)
    {
        var name = Enum.GetName(enumType, value) ?? throw new ArgumentException($"{value} is not a {enumType.Name}");
        var field = enumType.GetField(name)!;
        return field.GetCustomAttribute<RecipeNameAttribute>()?.Name ?? SnakeCase(name);
    }

    /// <summary>The YAML spellings of every value of an enum, in declaration order.</summary>
    public static IReadOnlyList<string> EnumNames(Type enumType) =>
        Enum.GetValues(enumType).Cast<object>().Select(v => EnumName(enumType, v)).ToList();
}
