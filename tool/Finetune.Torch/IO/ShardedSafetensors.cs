using System.Text.Json;
using static TorchSharp.torch;

namespace Finetune.Torch.IO;

/// <summary>
/// A sharded checkpoint: <c>model.safetensors.index.json</c> maps each tensor to its shard. Every shard
/// is opened (headers validated) up front and every mapped tensor must be in the shard named for it.
/// </summary>
public sealed class ShardedSafetensors : ITensorSource
{
    public const string IndexFileName = "model.safetensors.index.json";

    private readonly Dictionary<string, SafetensorsFile> _byTensor;
    private readonly List<SafetensorsFile> _shards;

    private ShardedSafetensors(string path, Dictionary<string, SafetensorsFile> byTensor, List<SafetensorsFile> shards)
    {
        Path = path;
        _byTensor = byTensor;
        _shards = shards;
        Names = byTensor.Keys.Order(StringComparer.Ordinal).ToArray();
    }

    public string Path { get; }
    public IReadOnlyList<string> Names { get; }

    public static ShardedSafetensors Open(string indexPath)
    {
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(indexPath))!;
        var weightMap = ReadWeightMap(indexPath);
        var shards = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        var byTensor = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        try
        {
            foreach (var (tensor, shardName) in weightMap)
            {
                if (!shards.TryGetValue(shardName, out var shard))
                {
                    var shardPath = System.IO.Path.Combine(folder, shardName);
                    if (!File.Exists(shardPath))
                        throw new CheckpointException(indexPath, $"tensor '{tensor}' is mapped to shard '{shardName}', which does not exist");
                    shard = SafetensorsFile.Open(shardPath);
                    shards.Add(shardName, shard);
                }
                if (!shard.Contains(tensor))
                    throw new CheckpointException(shard.Path, $"tensor '{tensor}' is mapped to this shard by {IndexFileName} but is not in it");
                byTensor.Add(tensor, shard);
            }
        }
        catch
        {
            foreach (var s in shards.Values) s.Dispose();
            throw;
        }
        return new ShardedSafetensors(indexPath, byTensor, shards.Values.ToList());
    }

    public bool Contains(string name) => _byTensor.ContainsKey(name);

    public long[] ShapeOf(string name) => Shard(name).ShapeOf(name);

    public ScalarType? DTypeOf(string name) => Shard(name).DTypeOf(name);

    public Tensor Read(string name) => Shard(name).Read(name);

    public void CopyTo(string name, Tensor destination) => Shard(name).CopyTo(name, destination);

    public void Dispose()
    {
        foreach (var shard in _shards) shard.Dispose();
    }

    private SafetensorsFile Shard(string name) => _byTensor.TryGetValue(name, out var shard)
        ? shard
        : throw new CheckpointException(Path, $"no tensor '{name}' in the weight map");

    private static Dictionary<string, string> ReadWeightMap(string indexPath)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(indexPath));
            if (!doc.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
                throw new CheckpointException(indexPath, "no 'weight_map' object");
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in map.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.String)
                    throw new CheckpointException(indexPath, $"weight_map entry '{entry.Name}' is not a file name");
                string shard = entry.Value.GetString()!;
                if (shard.Contains('/') || shard.Contains('\\') || shard is "." or "..")
                    throw new CheckpointException(indexPath, $"weight_map entry '{entry.Name}' names '{shard}', which is not a file in this folder");
                if (!result.TryAdd(entry.Name, shard))
                    throw new CheckpointException(indexPath, $"tensor '{entry.Name}' appears twice in weight_map");
            }
            return result;
        }
        catch (JsonException e)
        {
            throw new CheckpointException(indexPath, $"not valid JSON ({e.Message.Split('\n')[0]})");
        }
    }
}
