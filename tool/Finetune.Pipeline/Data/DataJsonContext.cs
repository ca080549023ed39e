using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Finetune.Pipeline.Data;

/// <summary>Source-generated JSON metadata, so streaming a JSON array works without reflection (trimmed builds too).</summary>
[JsonSourceGenerationOptions(AllowDuplicateProperties = false, MaxDepth = 256)]
[JsonSerializable(typeof(JsonNode))]
internal sealed partial class DataJsonContext : JsonSerializerContext;
