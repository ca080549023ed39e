using Finetune.Pipeline.Data;
using Finetune.Testing;

namespace Finetune.Pipeline.Tests.Data;

public sealed class DatasetReaderTests
{
    [Fact]
    public void A_folder_is_read_in_ordinal_relative_path_order_skipping_hidden_and_metadata_files()
    {
        var dir = TestPaths.NewTempDir("snapshot");
        DataFiles.Write(dir, "data/train-00001-of-00002.jsonl", "{\"id\": \"d1\"}\n");
        DataFiles.Write(dir, "data/train-00000-of-00002.jsonl", "{\"id\": \"d0\"}\n");
        DataFiles.Write(dir, "data/B.csv", "id\nB\n");
        DataFiles.Write(dir, "data/a.json", "[{\"id\": \"a\"}]");
        DataFiles.Write(dir, "data/extra/z.jsonl", "{\"id\": \"z\"}\n");
        DataFiles.Write(dir, "Z.jsonl", "{\"id\": \"Z\"}\n");
        DataFiles.Write(dir, ".cache/huggingface/x.jsonl", "{\"id\": \"hidden\"}\n");
        DataFiles.Write(dir, "dataset_info.json", "{\"features\": {}}");
        DataFiles.Write(dir, "README.md", "# card\n");

        var ids = DatasetReader.Open(dir).Select(r => r.Values["id"]!.GetValue<string>()).ToList();

        Assert.Equal(["Z", "B", "a", "z", "d0", "d1"], ids);
        Assert.Equal(
            ["Z.jsonl", "data/B.csv", "data/a.json", "data/extra/z.jsonl", "data/train-00000-of-00002.jsonl", "data/train-00001-of-00002.jsonl"],
            DatasetReader.ListFiles(dir).Select(f => Path.GetRelativePath(dir, f)));
    }

    [Fact]
    public void Rows_from_a_folder_name_their_own_file()
    {
        var dir = TestPaths.NewTempDir("snapshot");
        var first = DataFiles.Write(dir, "1.jsonl", "{\"a\": 1}\n");
        var second = DataFiles.Write(dir, "2.jsonl", "\n{\"a\": 2}\n");

        var rows = DatasetReader.Open(dir).ToList();

        Assert.Equal([$"{first}: line 1", $"{second}: line 2"], rows.Select(r => r.ToString()));
    }

    [Fact]
    public void A_hugging_face_cache_snapshot_of_symlinks_to_blobs_is_read()
    {
        var repo = TestPaths.NewTempDir("hub");
        var blob = DataFiles.Write(repo, "blobs/9f2c1e", "{\"q\": \"from blob\"}\n");
        var snapshot = Path.Combine(repo, "snapshots", "abc123");
        Directory.CreateDirectory(Path.Combine(snapshot, "data"));
        File.CreateSymbolicLink(Path.Combine(snapshot, "data", "train.jsonl"), Path.Combine("..", "..", "..", "blobs", "9f2c1e"));

        var row = Assert.Single(DatasetReader.Open(snapshot));

        Assert.Equal("from blob", row.Values["q"]!.GetValue<string>());
        Assert.True(File.Exists(blob));
    }

    [Theory]
    [InlineData("x.jsonl", DataFormat.JsonLines)]
    [InlineData("x.NDJSON", DataFormat.JsonLines)]
    [InlineData("x.json", DataFormat.Json)]
    [InlineData("x.csv", DataFormat.Csv)]
    [InlineData("x.parquet", DataFormat.Parquet)]
    public void The_extension_picks_the_format(string file, DataFormat format) =>
        Assert.Equal(format, DatasetReader.FormatOf(file));

    [Fact]
    public void An_unsupported_file_type_is_an_error()
    {
        var path = DataFiles.Write("data.txt", "hello");

        var e = Assert.Throws<DataException>(() => DatasetReader.Open(path).ToList());

        Assert.Equal($"{path}: unsupported file type '.txt' (expected .jsonl, .ndjson, .json, .csv or .parquet)", e.Message);
    }

    [Fact]
    public void A_missing_path_or_a_folder_without_data_is_an_error()
    {
        var dir = TestPaths.NewTempDir("empty");
        DataFiles.Write(dir, "README.md", "nothing here");
        var missing = Path.Combine(dir, "nope");

        Assert.Equal($"{missing}: no such file or folder", Assert.Throws<DataException>(() => DatasetReader.Open(missing).ToList()).Message);
        Assert.Equal($"{dir}: the folder holds no .jsonl, .json, .csv or .parquet files",
            Assert.Throws<DataException>(() => DatasetReader.Open(dir).ToList()).Message);
    }

    [Fact]
    public void An_empty_dataset_names_its_file()
    {
        var dir = TestPaths.NewTempDir("empty");
        var file = DataFiles.Write(dir, "rows.jsonl", "\n\n");
        var e = Assert.Throws<DataException>(() => DatasetReader.Open(file).ToList());
        Assert.Equal($"{file}: the dataset has no rows (the file holds no records)", e.Message);
        var csv = DataFiles.Write(dir, "sub/rows.csv", "a,b\n");
        var folder = Path.GetDirectoryName(csv)!;
        Assert.Equal($"{folder}: the dataset has no rows (none of its 1 files holds a record)", Assert.Throws<DataException>(() => DatasetReader.Open(folder).ToList()).Message);
    }

    [Fact]
    public void Devices_and_link_loops_are_refused_before_reading()
    {
        var e = Assert.Throws<DataException>(() => DatasetReader.ListFiles("/dev/zero"));
        Assert.Equal("/dev/zero: the data path is not a regular file (a device, pipe or socket); give a file or a folder", e.Message);
        var dir = TestPaths.NewTempDir("loop");
        File.CreateSymbolicLink(Path.Combine(dir, "a.jsonl"), Path.Combine(dir, "b.jsonl"));
        File.CreateSymbolicLink(Path.Combine(dir, "b.jsonl"), Path.Combine(dir, "a.jsonl"));
        var loop = Assert.Throws<DataException>(() => DatasetReader.ListFiles(Path.Combine(dir, "a.jsonl")));
        Assert.Contains("a.jsonl: the data path is a symbolic link loop", loop.Message);
    }
}
