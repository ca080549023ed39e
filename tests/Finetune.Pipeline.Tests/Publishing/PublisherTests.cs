using Finetune.Pipeline.Publishing;
using Finetune.Recipes;
using Finetune.Testing;

namespace Finetune.Pipeline.Tests.Publishing;

/// <summary>The tool writes outside its store only into folders it owns, and never over anything else.</summary>
public sealed class PublisherTests
{
    private readonly string _dir = TestPaths.NewTempDir();
    private readonly string _recipeDir;
    private readonly string _source;
    private readonly IReadOnlyList<ProtectedPath> _guard;

    public PublisherTests()
    {
        // A checkout as a user has it: the recipe beside its model folder and data file, the store under artifacts/.
        _recipeDir = Directory.CreateDirectory(Path.Combine(_dir, "repo", "recipes")).FullName;
        var model = Directory.CreateDirectory(Path.Combine(_recipeDir, "models", "tiny")).FullName;
        File.WriteAllText(Path.Combine(model, "config.json"), "{}");
        Directory.CreateDirectory(Path.Combine(_recipeDir, "data"));
        File.WriteAllText(Path.Combine(_recipeDir, "data", "rows.jsonl"), "{}\n");
        File.WriteAllText(Path.Combine(_recipeDir, "r.yaml"), "name: r\n");
        var store = Path.Combine(_dir, "repo", "artifacts", "store");
        Directory.CreateDirectory(store);
        var recipe = new Recipe
        {
            Name = "r",
            Model = new ModelSection { Path = "models/tiny" },
            Data = new DataSection { Path = "data/rows.jsonl" },
            SourcePath = Path.Combine(_recipeDir, "r.yaml"),
            BaseDirectory = _recipeDir,
        };
        _guard = PublishGuard.For(recipe, store);
        _source = Directory.CreateDirectory(Path.Combine(_dir, "entry")).FullName;
        File.WriteAllText(Path.Combine(_source, "model.safetensors"), "weights");
        File.WriteAllText(Path.Combine(_source, "config.json"), "{\"vocab_size\": 8}");
    }

    private string At(params string[] parts) => Path.Combine([_recipeDir, .. parts]);

    private static PublishMarker Marker(string key = "k1") => new("export", key, new Dictionary<string, string> { ["train"] = "t1" }, []);

    private void Publish(string target, string key = "k1") => Publisher.PublishCopy(_source, target, Marker(key), _guard);

    [Theory]
    [InlineData(".", "refusing to publish into the recipe's folder itself")]
    [InlineData("..", "refusing to publish into a folder that holds the recipe's folder")]
    [InlineData("../..", "refusing to publish into a folder that holds the recipe's folder")]
    [InlineData("../artifacts/store", "refusing to publish into the store itself")]
    [InlineData("../artifacts", "refusing to publish into a folder that holds the store")]
    [InlineData("../artifacts/store/export", "refusing to publish inside the store")]
    [InlineData("models/tiny", "refusing to publish into the model folder itself")]
    [InlineData("models", "refusing to publish into a folder that holds the model folder")]
    [InlineData("models/tiny/out", "refusing to publish inside the model folder")]
    [InlineData("data/rows.jsonl", "refusing to publish into the data itself")]
    [InlineData("data", "refusing to publish into a folder that holds the data")]
    public void Protected_targets_are_refused_and_nothing_is_touched(string target, string reason)
    {
        var before = Snapshot();
        var e = Assert.Throws<PipelineException>(() => Publish(At(target)));
        Assert.Contains(reason, e.Message);
        Assert.StartsWith(Path.TrimEndingDirectorySeparator(Path.GetFullPath(At(target))) + ":", e.Message);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public void A_folder_with_a_foreign_file_is_refused_naming_the_folder_and_file_which_stays()
    {
        var target = Directory.CreateDirectory(At("..", "export", "mine")).FullName;
        File.WriteAllText(Path.Combine(target, "notes.txt"), "my notes");
        Directory.CreateDirectory(Path.Combine(target, "sub"));
        File.WriteAllText(Path.Combine(target, "sub", "z.txt"), "more");
        var e = Assert.Throws<PipelineException>(() => Publish(target));
        Assert.Equal($"{target}: the folder holds notes.txt, which this tool did not write; publish into a new or empty folder (the tool never deletes files it did not write)", e.Message);
        Assert.Equal("my notes", File.ReadAllText(Path.Combine(target, "notes.txt")));
        Assert.Equal(["notes.txt", "sub/z.txt"], Files(target));
    }

    [Fact]
    public void A_foreign_file_dropped_into_a_published_folder_blocks_the_next_publish()
    {
        var target = At("..", "export", "m");
        Publish(target);
        File.WriteAllText(Path.Combine(target, "README.md"), "mine");
        var e = Assert.Throws<PipelineException>(() => Publish(target, "k2"));
        Assert.Contains("holds README.md, which this tool did not write", e.Message);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(target, "README.md")));
        Assert.Equal("k1", PublishMarker.Read(target)!.Key);
    }

    [Fact]
    public void A_file_where_the_folder_should_be_is_refused()
    {
        var target = At("..", "export.bin");
        File.WriteAllText(target, "x");
        var e = Assert.Throws<PipelineException>(() => Publish(target));
        Assert.Contains("is a file, not a folder", e.Message);
        Assert.Equal("x", File.ReadAllText(target));
    }

    [Fact]
    public void A_new_folder_is_published_with_a_marker_naming_the_key_its_sources_and_files()
    {
        var target = At("..", "export", "new");
        Publish(target);
        Assert.Equal([".finetune-published.json", "config.json", "model.safetensors"], Files(target));
        var marker = PublishMarker.Read(target)!;
        Assert.Equal(("export", "k1", "t1"), (marker.Stage, marker.Key, marker.Sources["train"]));
        Assert.Equal(["config.json", "model.safetensors"], marker.Files);
        Assert.Equal("weights", File.ReadAllText(Path.Combine(target, "model.safetensors")));
        Assert.Equal(["new"], Directory.GetFileSystemEntries(Path.GetDirectoryName(target)!).Select(Path.GetFileName)); // no temp folder left
    }

    [Fact]
    public void An_empty_folder_is_published_into()
    {
        var target = Directory.CreateDirectory(At("..", "export", "empty")).FullName;
        Publish(target);
        Assert.Equal("k1", PublishMarker.Read(target)!.Key);
    }

    [Fact]
    public void An_earlier_publish_is_replaced_whole()
    {
        var target = At("..", "export", "again");
        File.WriteAllText(Path.Combine(_source, "old-only.json"), "{}");
        Publish(target);
        File.Delete(Path.Combine(_source, "old-only.json"));
        File.WriteAllText(Path.Combine(_source, "model.safetensors"), "better weights");
        Publish(target, "k2");
        Assert.Equal([".finetune-published.json", "config.json", "model.safetensors"], Files(target));
        Assert.Equal("better weights", File.ReadAllText(Path.Combine(target, "model.safetensors")));
        Assert.Equal("k2", PublishMarker.Read(target)!.Key);
        Assert.Equal(["again"], Directory.GetFileSystemEntries(Path.GetDirectoryName(target)!).Select(Path.GetFileName));
    }

    [Fact]
    public void A_failing_write_leaves_the_old_publish_and_no_temp_folder()
    {
        var target = At("..", "export", "keep");
        Publish(target);
        Assert.Throws<IOException>(() => Publisher.Publish(target, Marker("k2"), temp =>
        {
            File.WriteAllText(Path.Combine(temp, "half"), "x");
            throw new IOException("disk full");
        }, _guard));
        Assert.Equal("k1", PublishMarker.Read(target)!.Key);
        Assert.Equal(["keep"], Directory.GetFileSystemEntries(Path.GetDirectoryName(target)!).Select(Path.GetFileName));
    }

    [Fact]
    public void An_output_file_that_exists_is_never_overwritten()
    {
        var file = At("..", "result.json");
        OutputFile.WriteAllText(file, "first\n");
        var e = Assert.Throws<PipelineException>(() => OutputFile.WriteAllText(file, "second\n"));
        Assert.StartsWith($"{Path.GetFullPath(file)}: already exists", e.Message);
        Assert.Equal("first\n", File.ReadAllText(file));
    }

    private static string[] Files(string folder) => Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
        .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToArray();

    private string[] Snapshot() => Directory.EnumerateFileSystemEntries(_dir, "*", SearchOption.AllDirectories)
        .Select(f => Path.GetRelativePath(_dir, f) + (File.Exists(f) ? ":" + File.ReadAllText(f) : "/")).Order(StringComparer.Ordinal).ToArray();
}
