using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Finetune.Pipeline.Stages;

namespace Finetune.Pipeline;

/// <summary>
/// Everything one stage reads, as one record, built from the recipe by the record's static
/// <c>From(Recipe)</c>: the one place recipe values become a stage's inputs (defaults stay in the recipe
/// records). The stage holds only this record, so it cannot read what its key does not cover.
/// The key hashes it: properties by value, named by the recipe key they come from (<c>seed.probe</c>),
/// and the external files of <see cref="Files"/> by content under role labels. Properties that name
/// places (<c>[JsonIgnore]</c>: the model folder, the dataset path) enter the key only through those files.
/// </summary>
public abstract record StageInput
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new RecipeValueConverter() },
        // Inputs are written, never read: C# `required` (every field set by From) is no JSON rule here.
        TypeInfoResolver = new DefaultJsonTypeInfoResolver
        {
            Modifiers = { info => { foreach (var p in info.Properties) p.IsRequired = false; } },
        },
    };

    /// <summary>The external files the stage reads: role label (e.g. <c>model/config.json</c>) to full path.</summary>
    public abstract IReadOnlyDictionary<string, string> Files();

    /// <summary>The record's values as JSON (what the key hashes by value and <c>plan</c> diffs).</summary>
    public JsonObject Params() => JsonSerializer.SerializeToNode(this, GetType(), Json)!.AsObject();

    /// <summary>Files by label; a file listed under one label twice (a .gguf is config, weights and tokenizer) counts once.</summary>
    protected static IReadOnlyDictionary<string, string> Labelled(IEnumerable<(string Label, string Path)> files) =>
        files.DistinctBy(f => f.Label).ToDictionary(f => f.Label, f => f.Path, StringComparer.Ordinal);
}
