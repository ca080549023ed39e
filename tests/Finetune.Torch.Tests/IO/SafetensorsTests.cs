using System.Text;
using Finetune.Testing;
using Finetune.Torch.IO;
using Microsoft.Win32.SafeHandles;
using static TorchSharp.torch;

namespace Finetune.Torch.Tests.IO;

public sealed class SafetensorsTests
{
    [Fact]
    public void Writer_output_equals_safetensors_own_serialization_test_vector()
    {
        // safetensors/src/tensor.rs test_serialization_forced_alignement: "attn0", F32, [1,1,2,3], 0..5, no metadata.
        byte[] expected =
        [
            72, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 48, 34, 58, 123, 34, 100, 116,
            121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58,
            91, 49, 44, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102,
            115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 32, 32, 32, 32, 32,
            32, 32, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0,
            160, 64,
        ];
        var path = Path.Combine(TestPaths.NewTempDir(), "a.safetensors");
        using var t = tensor(new float[] { 0, 1, 2, 3, 4, 5 }).view(1, 1, 2, 3);
        SafetensorsWriter.Write(path, [new("attn0", t)], new Dictionary<string, string>());
        Assert.Equal(expected, File.ReadAllBytes(path));
    }

    [Fact]
    public void Writer_puts_metadata_first_and_orders_by_dtype_alignment_then_name()
    {
        var path = Path.Combine(TestPaths.NewTempDir(), "a.safetensors");
        using var b = ones(2, ScalarType.Float32);
        using var a = ones(3, ScalarType.BFloat16);
        using var c = ones(1, ScalarType.Float32);
        SafetensorsWriter.Write(path, [new("b", b), new("a", a), new("c", c)]);
        var bytes = File.ReadAllBytes(path);
        long n = BitConverter.ToInt64(bytes);
        Assert.Equal(0, n % 8);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)n);
        Assert.Equal("""{"__metadata__":{"format":"pt"},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"c":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},"a":{"dtype":"BF16","shape":[3],"data_offsets":[12,18]}}""", header.TrimEnd(' '));
        using var file = SafetensorsFile.Open(path);
        using var read = file.Read("a");
        Assert.Equal(ScalarType.BFloat16, read.dtype);
        Assert.Equal(new[] { 1f, 1f, 1f }, read.to_type(ScalarType.Float32).data<float>().ToArray());
    }

    [Fact]
    public void Reads_f16_and_i64_written_by_hand()
    {
        // F16 1.0 = 0x3C00, -2.0 = 0xC000; I64 7 and -1.
        var data = new byte[] { 0x00, 0x3C, 0x00, 0xC0 }.Concat(BitConverter.GetBytes(7L)).Concat(BitConverter.GetBytes(-1L)).ToArray();
        var path = Write("""{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"i":{"dtype":"I64","shape":[2],"data_offsets":[4,20]}}""", data);
        using var file = SafetensorsFile.Open(path);
        using var h = file.Read("h");
        using var i = file.Read("i");
        Assert.Equal(new[] { 1f, -2f }, h.to_type(ScalarType.Float32).data<float>().ToArray());
        Assert.Equal(new[] { 7L, -1L }, i.data<long>().ToArray());
    }

    [Fact]
    public void Chunked_reads_equal_one_read()
    {
        var path = Path.Combine(TestPaths.NewTempDir(), "a.safetensors");
        using var t = arange(0, 1000, ScalarType.Float32).view(10, 100);
        SafetensorsWriter.Write(path, [new("t", t)]);
        using var file = SafetensorsFile.Open(path);
        using var dest = zeros(10, 100);
        using (SafeFileHandle handle = File.OpenHandle(path))
            TensorBytes.Read(handle, file.DataStart, dest, path, "t", chunk: 12);
        Assert.Equal(t.data<float>().ToArray(), dest.data<float>().ToArray());
    }

    [Fact]
    public void Truncated_file_is_refused()
    {
        var path = Write("""{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", new byte[12]);
        AssertRefused(path, "truncated");
    }

    [Fact]
    public void Header_length_beyond_the_end_is_refused()
    {
        var path = Path.Combine(TestPaths.NewTempDir(), "a.safetensors");
        File.WriteAllBytes(path, BitConverter.GetBytes(1000UL).Concat("{}"u8.ToArray()).ToArray());
        AssertRefused(path, "header length 1000 runs past the end of the file");
    }

    [Fact]
    public void Overlapping_offsets_are_refused_naming_both_tensors()
    {
        var path = Write("""{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}}""", new byte[24]);
        AssertRefused(path, "tensor 'b' data [8, 24) overlaps tensor 'a' [0, 16)");
    }

    [Fact]
    public void Dtype_size_that_does_not_match_the_offsets_is_refused()
    {
        var path = Write("""{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,8]}}""", new byte[8]);
        AssertRefused(path, "tensor 'w': dtype F32 × shape [2, 2] is 16 bytes but data_offsets span 8");
    }

    [Fact]
    public void Duplicate_names_unknown_dtypes_and_bad_json_are_refused()
    {
        AssertRefused(Write("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", new byte[8]), "tensor 'w' appears twice");
        AssertRefused(Write("""{"w":{"dtype":"Q4","shape":[1],"data_offsets":[0,4]}}""", new byte[4]), "tensor 'w': unknown dtype 'Q4'");
        AssertRefused(Write("""{"w":{"dtype":"F32",""", new byte[4]), "header is not valid JSON");
    }

    [Fact]
    public void Sharded_folder_reads_through_its_index()
    {
        var folder = TestPaths.NewTempDir();
        using var a = arange(0, 4, ScalarType.Float32);
        using var b = arange(4, 10, ScalarType.Float32);
        SafetensorsWriter.Write(Path.Combine(folder, "model-00001-of-00002.safetensors"), [new("a", a)]);
        SafetensorsWriter.Write(Path.Combine(folder, "model-00002-of-00002.safetensors"), [new("b", b)]);
        File.WriteAllText(Path.Combine(folder, "model.safetensors.index.json"),
            """{"metadata":{"total_size":40},"weight_map":{"a":"model-00001-of-00002.safetensors","b":"model-00002-of-00002.safetensors"}}""");
        using var source = Checkpoint.Open(folder);
        Assert.Equal(["a", "b"], source.Names);
        using var readB = source.Read("b");
        Assert.Equal(new float[] { 4, 5, 6, 7, 8, 9 }, readB.data<float>().ToArray());

        File.WriteAllText(Path.Combine(folder, "model.safetensors.index.json"), """{"weight_map":{"a":"model-00002-of-00002.safetensors"}}""");
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Open(folder));
        Assert.Contains("tensor 'a' is mapped to this shard", e.Message);
    }

    [Fact]
    public void Sharded_writer_splits_by_size_and_the_reader_reassembles()
    {
        var folder = TestPaths.NewTempDir();
        using var a = arange(0, 4, ScalarType.Float32);     // 16 bytes
        using var b = arange(4, 8, ScalarType.Float32);     // 16 bytes
        using var c = arange(8, 20, ScalarType.Float32);    // 48 bytes: over the limit, alone
        var files = SafetensorsWriter.WriteSharded(folder, [new("c", c), new("a", a), new("b", b)], maxShardBytes: 32);
        Assert.Equal(["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "model.safetensors.index.json"], files.Select(Path.GetFileName));
        var index = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(files[2]))!;
        Assert.Equal(80, index["metadata"]!["total_size"]!.GetValue<long>());
        Assert.Equal("model-00002-of-00002.safetensors", index["weight_map"]!["c"]!.GetValue<string>());
        using var source = Checkpoint.Open(folder);
        using var readC = source.Read("c");
        Assert.Equal(c.data<float>().ToArray(), readC.data<float>().ToArray());
    }

    [Theory]
    [InlineData("pytorch_model.bin")]
    [InlineData("model.pt")]
    [InlineData("weights.pth")]
    public void Pickle_checkpoints_are_refused_saying_why(string name)
    {
        var folder = TestPaths.NewTempDir();
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, [0x80, 0x02]);
        foreach (var target in new[] { path, folder })
        {
            var e = Assert.Throws<CheckpointException>(() => Checkpoint.Open(target));
            Assert.Contains(name, e.Message);
            Assert.Contains("arbitrary code", e.Message);
            Assert.Contains("convert it to safetensors", e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
    }

    internal static string Write(string header, byte[] data)
    {
        var path = Path.Combine(TestPaths.NewTempDir(), "model.safetensors");
        var json = Encoding.UTF8.GetBytes(header);
        File.WriteAllBytes(path, BitConverter.GetBytes((ulong)json.Length).Concat(json).Concat(data).ToArray());
        return path;
    }

    [Fact]
    public void A_header_that_is_not_json_is_quoted_at_most_80_bytes()
    {
        var header = string.Concat(Enumerable.Repeat("not json", 100_000));
        var path = Write(header, []);
        var e = Assert.Throws<CheckpointException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.Equal($"{path}: header is not valid JSON at byte 2; it starts with \"{header[..80]}\"... (800000 bytes)", e.Message);
    }

    private static void AssertRefused(string path, string expected)
    {
        var e = Assert.Throws<CheckpointException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
