using System.Text.Json;
using Finetune.Testing;

namespace Finetune.Text.Tests.Tokenizers;

/// <summary>The {"text","ids"} lines of a reference jsonl file, as xunit theory data (line number, text, ids).</summary>
internal static class ReferenceSamples
{
    public static TheoryData<int, string, int[]> Load(params string[] parts)
    {
        var data = new TheoryData<int, string, int[]>();
        var lineNo = 0;
        foreach (var line in File.ReadLines(TestPaths.Reference(parts)))
        {
            lineNo++;
            if (line.Length == 0)
                continue;
            using var doc = JsonDocument.Parse(line);
            var ids = doc.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            data.Add(lineNo, doc.RootElement.GetProperty("text").GetString()!, ids);
        }
        return data;
    }
}
