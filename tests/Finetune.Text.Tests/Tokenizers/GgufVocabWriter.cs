using System.Text;
using System.Text.Json;
using Finetune.Testing;

namespace Finetune.Text.Tests.Tokenizers;

/// <summary>
/// Writes a tensor-less GGUF v3 file holding the Llama 3 tokenizer as llama.cpp's converter stores it
/// (<c>tokenizer.ggml.model</c> = gpt2, <c>pre</c> = llama-bpe, NORMAL vocab, CONTROL added tokens, merges,
/// the chat template).
/// </summary>
internal static class GgufVocabWriter
{
    public static string WriteLlama3(string folder)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(TestPaths.Reference("llama3", "tokenizer.json")));
        var model = doc.RootElement.GetProperty("model");
        var tokens = model.GetProperty("vocab").EnumerateObject().OrderBy(p => p.Value.GetInt32()).Select(p => p.Name).ToList();
        var types = Enumerable.Repeat(1, tokens.Count).ToList();
        foreach (var added in doc.RootElement.GetProperty("added_tokens").EnumerateArray())
        {
            tokens.Add(added.GetProperty("content").GetString()!);
            types.Add(3);
        }
        var merges = model.GetProperty("merges").EnumerateArray()
            .Select(m => m.ValueKind == JsonValueKind.String ? m.GetString()! : $"{m[0].GetString()} {m[1].GetString()}")
            .ToList();
        var path = Path.Combine(folder, "llama3-vocab.gguf");
        using var w = new BinaryWriter(File.Create(path));
        w.Write(Encoding.ASCII.GetBytes("GGUF"));
        w.Write(3u);
        w.Write(0UL); // tensors
        w.Write(10UL); // metadata entries
        String(w, "general.architecture", "llama");
        String(w, "tokenizer.ggml.model", "gpt2");
        String(w, "tokenizer.ggml.pre", "llama-bpe");
        Strings(w, "tokenizer.ggml.tokens", tokens);
        Key(w, "tokenizer.ggml.token_type", 9);
        w.Write(5u);
        w.Write((ulong)types.Count);
        types.ForEach(w.Write);
        Strings(w, "tokenizer.ggml.merges", merges);
        U32(w, "tokenizer.ggml.bos_token_id", 128000);
        U32(w, "tokenizer.ggml.eos_token_id", 128009);
        Key(w, "tokenizer.ggml.add_bos_token", 7);
        w.Write((byte)1);
        String(w, "tokenizer.chat_template", Llama3ChatTemplate());
        return path;
    }

    public static string Llama3ChatTemplate()
    {
        using var config = JsonDocument.Parse(File.ReadAllBytes(TestPaths.Reference("llama3", "tokenizer_config.json")));
        return config.RootElement.GetProperty("chat_template").GetString()!;
    }

    private static void Key(BinaryWriter w, string key, uint type)
    {
        Str(w, key);
        w.Write(type);
    }

    private static void Str(BinaryWriter w, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    private static void String(BinaryWriter w, string key, string value)
    {
        Key(w, key, 8);
        Str(w, value);
    }

    private static void Strings(BinaryWriter w, string key, List<string> values)
    {
        Key(w, key, 9);
        w.Write(8u);
        w.Write((ulong)values.Count);
        values.ForEach(v => Str(w, v));
    }

    private static void U32(BinaryWriter w, string key, uint value)
    {
        Key(w, key, 4);
        w.Write(value);
    }
}
