using System.Text;
using Finetune.Testing;

namespace Finetune.Tool.Tests.Corpus;

/// <summary>Writes the files of corpus cases: recipes over the tiny model, datasets, broken model folders.</summary>
internal static class CorpusFiles
{
    /// <summary>The committed tiny model (read only; cases that break a file copy the folder first).</summary>
    public static string TinyModel { get; } = Path.Combine(TestPaths.RepoRoot, "recipes", "models", "tiny-llama");

    public const string Rows = """
        {"instruction": "What is 2 + 2?", "output": "4"}
        {"instruction": "What is 3 + 3?", "output": "6"}
        {"instruction": "What is 4 + 4?", "output": "8"}
        {"instruction": "What is 5 + 5?", "output": "10"}

        """;

    public static string Write(string dir, string name, string text)
    {
        var path = Path.Combine(dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public static string WriteBytes(string dir, string name, byte[] bytes)
    {
        var path = Path.Combine(dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>r.yaml over <paramref name="model"/> (default: the tiny model) and <paramref name="data"/>; <paramref name="train"/> is the train section's body.</summary>
    public static string Recipe(string dir, string data = "rows.jsonl", string? model = null, string messages = DefaultMessages, string train = "epochs: 1, batch_size: 2, max_seq_length: 64", string extraData = "")
        => Write(dir, "r.yaml", $$"""
            name: corpus
            model: { path: "{{model ?? TinyModel}}", dtype: fp32 }
            tokens: { add: ["<think>"] }
            data:
              path: "{{data}}"
              test_fraction: 0.25{{extraData}}
              messages:
            {{messages}}
            train: { {{train}} }
            """);

    public const string DefaultMessages = """
            - { role: user, content: "{{ instruction }}" }
            - { role: assistant, content: "{{ output }}" }
        """;

    /// <summary>A copy of the tiny model in <c>{dir}/m</c> with <paramref name="change"/> applied to it.</summary>
    public static string Model(string dir, Action<string> change)
    {
        var m = Path.Combine(dir, "m");
        Directory.CreateDirectory(m);
        foreach (var f in Directory.GetFiles(TinyModel))
            File.Copy(f, Path.Combine(m, Path.GetFileName(f)));
        change(m);
        return m;
    }

    /// <summary>safetensors bytes: the 8-byte length, then <paramref name="header"/>, then <paramref name="data"/>.</summary>
    public static byte[] Safetensors(string header, byte[]? data = null)
    {
        var json = Encoding.UTF8.GetBytes(header);
        return [.. BitConverter.GetBytes((ulong)json.Length), .. json, .. data ?? []];
    }

    /// <summary>A GGUF v3 preamble: magic, version, tensor count, metadata count, then <paramref name="rest"/>.</summary>
    public static byte[] Gguf(uint version, ulong tensors, ulong metadata, byte[]? rest = null) =>
        [.. "GGUF"u8, .. BitConverter.GetBytes(version), .. BitConverter.GetBytes(tensors), .. BitConverter.GetBytes(metadata), .. rest ?? []];

    public static string Deep(int depth) => new string('[', depth) + new string(']', depth);
}
