using Finetune.Testing;
using Finetune.Text.Gguf;

namespace Finetune.Text.Tests.Gguf;

public sealed class GgufWriterTests
{
    [Fact]
    public void Written_file_reads_back_with_types_shapes_and_32_byte_aligned_data()
    {
        var path = Path.Combine(TestPaths.NewTempDir(), "t.gguf");
        var metadata = new GgufMetadata()
            .String("general.architecture", "llama")
            .UInt32("llama.block_count", 2)
            .Float32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
            .Bool("tokenizer.ggml.add_bos_token", true)
            .Strings("tokenizer.ggml.tokens", ["a", "b\u00e9", "<|x|>"])
            .Int32s("tokenizer.ggml.token_type", [1, 1, 3])
            .Float32s("tokenizer.ggml.scores", [0f, -1f, -2f]);
        var weight = Enumerable.Range(0, 3 * 32).Select(i => (float)i).ToArray();
        GgufWriter.Write(path, metadata,
        [
            new GgufTensorEntry("norm.weight", [3], GgufType.F32, s => s.Write(new byte[12])),
            new GgufTensorEntry("w.weight", [3, 32], GgufType.Q8_0, s =>
            {
                var blocks = new byte[3 * GgufQ8.BlockBytes];
                GgufQ8.Quantize(weight, blocks);
                s.Write(blocks);
            }),
        ]);

        var gguf = GgufFile.Read(path);
        Assert.Equal(3, gguf.Version);
        Assert.Equal(7, gguf.Metadata.Count);
        Assert.Equal(2, gguf.GetInteger("llama.block_count"));
        Assert.Equal(1e-5, gguf.GetNumber("llama.attention.layer_norm_rms_epsilon")!.Value, 9);
        Assert.Equal(true, gguf.Metadata["tokenizer.ggml.add_bos_token"]);
        Assert.Equal(["a", "b\u00e9", "<|x|>"], gguf.GetArray<string[]>("tokenizer.ggml.tokens")!);
        Assert.Equal([1L, 1, 3], gguf.GetArray<long[]>("tokenizer.ggml.token_type")!);
        Assert.Equal([0f, -1f, -2f], gguf.GetArray<float[]>("tokenizer.ggml.scores")!);
        Assert.Equal(0, gguf.DataOffset % 32);
        var norm = gguf.FindTensor("norm.weight")!;
        var w = gguf.FindTensor("w.weight")!;
        Assert.Equal(gguf.DataOffset, norm.Offset);
        Assert.Equal(gguf.DataOffset + 32, w.Offset);             // 12 bytes padded to 32
        Assert.Equal(new long[] { 32, 3 }, w.Dimensions);          // ne: fastest first
        Assert.Equal(GgufType.Q8_0, w.Type);
        Assert.Equal(3 * 34, w.ByteLength);
        Assert.Equal(w.Offset + 128, new FileInfo(path).Length);  // 102 bytes padded to 128
    }

    [Fact]
    public void Q8_0_rows_must_be_whole_blocks()
    {
        Assert.Throws<ArgumentException>(() => GgufWriter.ByteLength(GgufType.Q8_0, [4, 48]));
        Assert.Equal(4 * 2 * 34, GgufWriter.ByteLength(GgufType.Q8_0, [4, 64]));
    }
}
