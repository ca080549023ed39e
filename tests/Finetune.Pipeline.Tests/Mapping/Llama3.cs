using System.Text.Json.Nodes;
using Finetune.Pipeline.Mapping;
using Finetune.Recipes;
using Finetune.Testing;
using Finetune.Text.Templates;
using Finetune.Text.Tokenizers;

namespace Finetune.Pipeline.Tests.Mapping;

/// <summary>The reference Llama 3.2 tokenizer and chat template, loaded once for all mapping tests.</summary>
internal static class Llama3
{
    private static readonly Lazy<HfTokenizer> LazyTokenizer = new(() => HfTokenizer.FromFolder(TestPaths.Reference("llama3")));

    public static HfTokenizer Tokenizer => LazyTokenizer.Value;

    /// <summary>The chat template of the reference model folder (tokenizer_config.json), with its bos/eos defaults.</summary>
    public static ChatTemplate Template => ChatTemplate.LoadFromModel(TestPaths.Reference("llama3"));

    public static readonly IReadOnlyDictionary<string, string> DateVars = new Dictionary<string, string> { ["date_string"] = "26 Jul 2024" };

    public static ConversationTokenizer Conversations(ChatTemplate template, LossOn lossOn = LossOn.Assistant) =>
        new(Tokenizer, template, DateVars, lossOn);

    /// <summary>An example of chat_templates/rendered_examples.json: its messages and its HF token ids.</summary>
    public static (List<ChatMessage> Messages, int[] Ids, string Rendered) Example(string name)
    {
        var doc = JsonNode.Parse(File.ReadAllText(TestPaths.Reference("chat_templates", "rendered_examples.json")))!;
        var example = doc["examples"]!.AsArray().Single(e => (string)e!["name"]! == name)!;
        var messages = example["context"]!["messages"]!.AsArray()
            .Select(m => new ChatMessage((string)m!["role"]!, (string)m["content"]!)).ToList();
        return (messages, [.. example["ids"]!.AsArray().Select(i => (int)i!)], (string)example["rendered"]!);
    }

    /// <summary>Ids and expected mask of text pieces encoded one by one: (text, carries loss).</summary>
    public static (int[] Ids, byte[] Mask) Pieces(bool bos, params (string Text, bool Loss)[] pieces)
    {
        var ids = new List<int>();
        var mask = new List<byte>();
        if (bos)
        {
            ids.Add(128000);
            mask.Add(0);
        }
        foreach (var (text, loss) in pieces)
        {
            var piece = Tokenizer.Encode(text);
            ids.AddRange(piece);
            mask.AddRange(Enumerable.Repeat((byte)(loss ? 1 : 0), piece.Count));
        }
        return ([.. ids], [.. mask]);
    }
}
