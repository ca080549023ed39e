using Finetune.Testing;
using Finetune.Text.Gguf;

namespace Finetune.Text.Tests.Gguf;

public sealed class GgufFileTests
{
    private static readonly string Stories = TestPaths.Reference("models", "stories260K.gguf");

    [Fact]
    public void Reads_stories260K_header_metadata_and_tensor_directory()
    {
        // Expected values: ../shared/reference/models/README.md ("Metadata").
        var gguf = GgufFile.Read(Stories);
        Assert.Equal(3, gguf.Version);
        Assert.Equal(48, gguf.Tensors.Count);
        Assert.Equal(19, gguf.Metadata.Count);
        Assert.Equal(14176, gguf.DataOffset);
        Assert.Equal("llama", gguf.Architecture);
        Assert.Equal(64, gguf.GetInteger("llama.embedding_length"));
        Assert.Equal(172, gguf.GetInteger("llama.feed_forward_length"));
        Assert.Equal(5, gguf.GetInteger("llama.block_count"));
        Assert.Equal(8, gguf.GetInteger("llama.attention.head_count"));
        Assert.Equal(4, gguf.GetInteger("llama.attention.head_count_kv"));
        Assert.Equal(1e-5, gguf.GetNumber("llama.attention.layer_norm_rms_epsilon")!.Value, 9);
        Assert.Equal("llama", gguf.GetString("tokenizer.ggml.model"));
        var tokens = gguf.GetArray<string[]>("tokenizer.ggml.tokens")!;
        Assert.Equal(512, tokens.Length);
        Assert.Equal(["<unk>", "<s>", "</s>", "<0x00>"], tokens[..4]);
        Assert.Equal(512, gguf.GetArray<float[]>("tokenizer.ggml.scores")!.Length);
        Assert.Equal(6, gguf.GetArray<long[]>("tokenizer.ggml.token_type")![3]);
        var embd = gguf.FindTensor("token_embd.weight")!;
        Assert.Equal(GgufType.F32, embd.Type);
        Assert.Equal(new long[] { 64, 512 }, embd.Dimensions);
        Assert.Equal(new long[] { 512, 64 }, embd.TorchShape);
        Assert.Equal(new long[] { 172, 64 }, gguf.FindTensor("blk.0.ffn_down.weight")!.Dimensions);
        Assert.Equal(292_800, gguf.Tensors.Sum(t => t.ElementCount));
    }

    [Fact]
    public void Truncated_file_is_refused_naming_the_file()
    {
        var dir = TestPaths.NewTempDir();
        var path = Path.Combine(dir, "cut.gguf");
        File.WriteAllBytes(path, File.ReadAllBytes(Stories)[..5000]);
        var e = Assert.Throws<GgufException>(() => GgufFile.Read(path));
        Assert.StartsWith(path + ":", e.Message);
    }

    [Fact]
    public void Non_gguf_file_is_refused()
    {
        var path = Path.Combine(TestPaths.NewTempDir(), "x.gguf");
        File.WriteAllText(path, "not a gguf file at all");
        Assert.False(GgufFile.IsGguf(path));
        Assert.Contains("bad magic", Assert.Throws<GgufException>(() => GgufFile.Read(path)).Message);
    }
}
