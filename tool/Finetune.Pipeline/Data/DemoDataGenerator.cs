using Finetune.Torch.Training.Data;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Finetune.Pipeline.Data;

/// <summary>
/// Makes the demo reasoning dataset: short arithmetic word problems in the plain English of children's
/// stories (so a TinyStories model can read them) with a worked reasoning chain and the answer, in the
/// original recipe's schema (<c>instruction</c>, <c>reasoning</c>, <c>output</c>). The same count and seed
/// give the same bytes on every machine and .NET version: choices come from <see cref="SplitMix64"/>.
/// Row i is drawn after rows 0..i-1, so a longer file starts with the rows of a shorter one.
/// </summary>
public static class DemoDataGenerator
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    public static IReadOnlyList<DemoExample> Generate(int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var random = new SplitMix64(seed);
        var examples = new List<DemoExample>(count);
        for (var i = 0; i < count; i++)
            examples.Add(DemoProblems.All[random.NextBelow(DemoProblems.All.Length)](random));
        return examples;
    }

    /// <summary>One JSON line, keys in the order instruction, reasoning, output, without the line break.</summary>
    public static string ToJsonLine(DemoExample example)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("instruction", example.Instruction);
            writer.WriteString("reasoning", example.Reasoning);
            writer.WriteString("output", example.Output);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Writes JSON lines: UTF-8 without BOM, each line ended by <c>\n</c>.</summary>
    public static void WriteJsonl(IEnumerable<DemoExample> examples, Stream stream)
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        foreach (var example in examples)
            writer.WriteLine(ToJsonLine(example));
    }

    /// <summary>Generates <paramref name="count"/> rows with <paramref name="seed"/> into a file (folders created).</summary>
    public static void WriteJsonl(string path, int count, int seed)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder != null)
            Directory.CreateDirectory(folder);
        using var stream = File.Create(path);
        WriteJsonl(Generate(count, seed), stream);
    }
}
