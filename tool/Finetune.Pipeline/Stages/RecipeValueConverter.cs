using System.Text.Json;
using System.Text.Json.Serialization;
using Finetune.Recipes;

namespace Finetune.Pipeline.Stages;

/// <summary>
/// Writes recipe enums and scalars (<c>steps 10</c>, <c>5GB</c>) in stage inputs as the recipe spells them,
/// so keys and <c>plan</c> reasons use YAML names. Inputs are written, never read back.
/// </summary>
internal sealed class RecipeValueConverter : JsonConverterFactory
{
    public override bool CanConvert(Type type) =>
        type.IsEnum || type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IRecipeScalar<>));

    public override JsonConverter CreateConverter(Type type, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Spelling<>).MakeGenericType(type))!;

    private sealed class Spelling<T> : JsonConverter<T>
    {
        public override T Read(ref Utf8JsonReader reader, Type type, JsonSerializerOptions options) =>
            throw new NotSupportedException("stage inputs are written for their key, never read back");

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WriteRawValue(RecipeJson.Canonical(value!));
    }
}
