using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Finetune.Recipes;

/// <summary>
/// Generates recipes/recipe.schema.json (JSON Schema 2020-12) from the recipe records: types, enums,
/// defaults, ranges and the <c>[Description]</c> of every key. <c>dotnet finetune schema</c> prints it.
/// </summary>
public static class RecipeSchema
{
    /// <summary>Where the checked-in schema lives, relative to the repository root.</summary>
    public const string RelativePath = "recipes/recipe.schema.json";

    private static readonly JsonSerializerOptions Output = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The schema text, indented by two spaces, ending in a newline.</summary>
    public static string Generate()
    {
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["title"] = "dotnet finetune recipe",
            ["description"] = "A recipe: add tokens to a Hugging Face Llama-style model, resize, seed, fine-tune, evaluate and export. "
                + "Generated from Finetune.Recipes; paths are relative to the recipe file.",
        };
        foreach (var (key, value) in RecordSchema(typeof(Recipe)))
            root[key] = value?.DeepClone();
        return root.ToJsonString(Output) + "\n";
    }

    private static JsonObject RecordSchema(Type type)
    {
        var defaults = Activator.CreateInstance(type)!;
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var member in RecipeMember.Of(type))
        {
            var schema = new JsonObject { ["description"] = member.Description };
            foreach (var (key, value) in ValueSchema(member.Required ? member.Type.NotNull() : member.Type))
                schema[key] = value?.DeepClone();
            if (member.Range is { } range)
                AddRange(schema, range);
            if (member.IsRegex)
                schema["format"] = "regex";
            if (member.Required)
                required.Add(member.Key);
            else if (member.Type.Kind != RecipeTypeKind.Record)
                schema["default"] = JsonNode.Parse(RecipeJson.CanonicalValue(member.Property.GetValue(defaults)));
            properties[member.Key] = schema;
        }
        var result = new JsonObject { ["type"] = "object", ["additionalProperties"] = false };
        if (required.Count > 0)
            result["required"] = required;
        result["properties"] = properties;
        return result;
    }

    private static JsonObject ValueSchema(RecipeType type)
    {
        var schema = type.Kind switch
        {
            RecipeTypeKind.String => Typed("string"),
            RecipeTypeKind.Integer => Typed("integer"),
            RecipeTypeKind.Number => Typed("number"),
            RecipeTypeKind.Boolean => Typed("boolean"),
            RecipeTypeKind.Enum => Enum(type),
            RecipeTypeKind.Scalar => new JsonObject { ["type"] = "string", ["pattern"] = type.ScalarPattern() },
            RecipeTypeKind.List => new JsonObject { ["type"] = "array", ["items"] = ValueSchema(type.Item!) },
            RecipeTypeKind.StringMap => new JsonObject { ["type"] = "object", ["additionalProperties"] = Typed("string") },
            _ => RecordSchema(type.ClrType),
        };
        if (type.Nullable)
        {
            schema["type"] = new JsonArray(schema["type"]!.GetValue<string>(), "null");
            if (schema["enum"] is JsonArray values)
                values.Add(null);
        }
        return schema;
    }

    private static JsonObject Typed(string name) => new() { ["type"] = name };

    private static JsonObject Enum(RecipeType type)
    {
        var values = new JsonArray();
        foreach (var name in RecipeMember.EnumNames(type.ClrType))
            values.Add(name);
        return new JsonObject { ["type"] = "string", ["enum"] = values };
    }

    private static void AddRange(JsonObject schema, RecipeRangeAttribute range)
    {
        if (!double.IsNaN(range.Min))
            schema[range.MinExclusive ? "exclusiveMinimum" : "minimum"] = range.Min;
        if (!double.IsNaN(range.Max))
            schema[range.MaxExclusive ? "exclusiveMaximum" : "maximum"] = range.Max;
    }
}
