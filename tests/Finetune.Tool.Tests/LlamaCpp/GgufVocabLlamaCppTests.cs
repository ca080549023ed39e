using System.Text.Json.Nodes;
using Finetune.Testing;
using Finetune.Text.Gguf;

namespace Finetune.Tool.Tests.LlamaCpp;

/// <summary>
/// The tokenizer metadata we write for real vocabularies (Llama 3.2, Llama 2, Qwen3 in ../shared/reference), loaded by
/// llama.cpp alone (a vocab-only file): it must encode the reference texts to the ids Hugging Face gives
/// (<c>encode_samples.jsonl</c>, and llama.cpp's own test vectors, both made with HF's tokenizers). Llama 2's texts that
/// spell its control tokens (<c>&lt;s&gt;</c>, <c>&lt;/s&gt;</c>, <c>&lt;unk&gt;</c>) are left out: HF's legacy tokenizer
/// matches those <c>normalized: true</c> specials after its normalizer, llama.cpp in the raw text, whoever converts the file.
/// </summary>
public sealed class GgufVocabLlamaCppTests
{
    [Theory]
    [InlineData("llama3", "llama", 128256, "llamacpp_llama_bpe_vectors.jsonl")]
    [InlineData("llama2", "llama", 32000, "llamacpp_llama_spm_vectors.jsonl")]
    [InlineData("qwen3", "qwen2", 151669, "llamacpp_qwen2_vectors.jsonl")]
    public async Task Llama_cpp_encodes_reference_texts_with_our_vocab_as_hugging_face_does(string folder, string arch, int rows, string vectors)
    {
        var source = TestPaths.Reference(folder);
        var metadata = new GgufMetadata()
            .String("general.architecture", arch)
            .UInt32($"{arch}.block_count", 1).UInt32($"{arch}.context_length", 512).UInt32($"{arch}.embedding_length", 64)
            .UInt32($"{arch}.feed_forward_length", 128).UInt32($"{arch}.attention.head_count", 4).UInt32($"{arch}.attention.head_count_kv", 4)
            .Float32($"{arch}.attention.layer_norm_rms_epsilon", 1e-5f);
        GgufVocabulary.AddTo(metadata, source, rows);
        var path = Path.Combine(TestPaths.NewTempDir("ft-vocab"), $"{folder}.gguf");
        GgufWriter.Write(path, metadata, []);

        var samples = new[] { "encode_samples.jsonl", vectors }
            .SelectMany(f => File.ReadAllLines(Path.Combine(source, f)))
            .Where(l => l.Length > 0)
            .Select(l => JsonNode.Parse(l)!)
            .Select(j => ((string)j["text"]!, j["ids"]!.AsArray().Select(i => (int)i!).ToArray()))
            .Where(s => folder != "llama2" || !new[] { "<s>", "</s>", "<unk>" }.Any(s.Item1.Contains))
            .ToList();
        Assert.True(samples.Count > 90, $"{samples.Count} samples");
        var (tokens, _) = await LlamaCpp.Run(path, [.. samples.Select(s => s.Item1)], [], 0, vocabOnly: true);
        var wrong = samples.Select((s, i) => (s.Item1, Expected: s.Item2, Actual: tokens[i]))
            .Where(x => !x.Expected.SequenceEqual(x.Actual))
            .Select(x => $"{JsonValue.Create(x.Item1).ToJsonString()}: HF [{string.Join(",", x.Expected)}] llama.cpp [{string.Join(",", x.Actual)}]")
            .ToList();
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {samples.Count} differ:\n{string.Join("\n", wrong)}");
    }
}
