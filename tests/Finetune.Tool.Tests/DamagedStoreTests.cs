using System.Text.Json.Nodes;
using Finetune.Testing;

namespace Finetune.Tool.Tests;

/// <summary>
/// The default recipe (shortened) run as a user would, then store entries damaged on disk: each is found on the next run
/// that uses it, named, quarantined and rebuilt, and the published export is byte-for-byte the clean run's.
/// Trains the tiny model twice, 12 steps each.
/// </summary>
public sealed class DamagedStoreTests
{
    private readonly string _dir = TestPaths.NewTempDir("ft-damage");

    private void WriteRecipe()
    {
        // Store integrity, not learning: a short training and evaluation keep the two trainings cheap.
        var text = TinyRecipe.Short(TinyRecipe.Text("export/tiny"), 12);
        File.WriteAllText(Path.Combine(_dir, "tiny.yaml"), text);
    }

    private async Task<(Dictionary<string, string> Status, List<string> Messages)> Run(params string[] extra)
    {
        var r = await ToolProcess.Run(_dir, ["run", "tiny.yaml", "--store", "store", "--json", .. extra]);
        Assert.True(r.ExitCode == 0, r.StandardError + r.StandardOutput);
        var events = r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        return (
            events.Where(j => (string?)j["event"] == "stage").ToDictionary(j => (string)j["stage"]!, j => (string)j["status"]!),
            events.Where(j => (string?)j["event"] == "message").Select(j => $"{j["stage"]}: {j["text"]}").ToList());
    }

    private string Key(string stage) =>
        (string)JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "tiny.lock")))!["stages"]![stage]!["key"]!;

    private Dictionary<string, byte[]> Export() =>
        Directory.EnumerateFiles(Path.Combine(_dir, "export", "tiny")).ToDictionary(f => Path.GetFileName(f)!, File.ReadAllBytes);

    private static void FlipLastByte(string path)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 0x40;
        File.WriteAllBytes(path, bytes);
    }

    [Fact]
    public async Task Flipped_bytes_in_a_map_shard_and_in_trained_weights_are_named_rebuilt_and_the_export_stays_the_clean_one()
    {
        WriteRecipe();
        var clean = await Run();
        Assert.Equal("ran", clean.Status["train"]);
        var cleanExport = Export();
        var marker = JsonNode.Parse(cleanExport[".finetune-published.json"])!;
        Assert.Equal(Key("export"), (string)marker["key"]!);
        Assert.Equal(Key("train"), (string)marker["sources"]!["train"]!);

        var mapKey = Key("map");
        FlipLastByte(Path.Combine(_dir, "store", "map", mapKey, "train.ids.bin"));
        var afterShard = await Run();
        Assert.Equal(["cached", "cached", "cached", "ran", "cached", "cached", "cached"],
            new[] { "tokenize", "resize", "seed", "map", "train", "evaluate", "export" }.Select(s => afterShard.Status[s]));
        Assert.Contains(afterShard.Messages, m => m.StartsWith($"map: store entry map/{mapKey} is damaged: train.ids.bin does not match its hash; quarantined in ", StringComparison.Ordinal));
        Assert.Equal(cleanExport, Export());

        var trainKey = Key("train");
        FlipLastByte(Path.Combine(_dir, "store", "train", trainKey, "model", "model.safetensors"));
        var afterWeights = await Run("--force", "export");
        Assert.Equal(("ran", "cached", "ran"), (afterWeights.Status["train"], afterWeights.Status["evaluate"], afterWeights.Status["export"]));
        Assert.Contains(afterWeights.Messages, m => m.StartsWith($"train: store entry train/{trainKey} is damaged: model/model.safetensors does not match its hash", StringComparison.Ordinal));
        Assert.Equal(cleanExport, Export()); // CPU training is bitwise deterministic: the rebuilt weights are the clean ones

        var ls = await ToolProcess.Run(_dir, "cache", "ls", "--store", "store", "--json");
        var quarantined = ls.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!)
            .Where(j => (string)j["status"]! == "quarantined").Select(j => $"{j["stage"]} {j["key"]}").Order().ToArray();
        Assert.Equal([$"map {mapKey}", $"train {trainKey}"], quarantined);
    }
}
