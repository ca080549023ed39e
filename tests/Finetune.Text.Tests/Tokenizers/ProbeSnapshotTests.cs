using System.Text;
using Finetune.Testing;
using Finetune.Text.Tokenizers;

namespace Finetune.Text.Tests.Tokenizers;

/// <summary>Probe strings encoded before and after adding the think/answer tokens, as the tokenize stage reports them.</summary>
public sealed class ProbeSnapshotTests(Llama3Fixture fixture) : IClassFixture<Llama3Fixture>
{
    private static readonly string[] ThinkAnswer = ["<think>", "</think>", "<answer>", "</answer>"];

    private static readonly string[] Probes =
    [
        "<think></think><answer></answer>",
        "<think></think><answer></answer",
        "<think>Why is the sky blue?</think><answer>Rayleigh scattering.</answer>",
        " <think> spaced </think> ",
        "a<think>b",
        "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>",
    ];

    [Fact]
    public void Llama3_probes_before_and_after_adding()
    {
        var before = fixture.Tokenizer;
        Snapshot.Verify(Report(before, before.WithAddedTokens(ThinkAnswer, special: false)));
    }

    [Fact]
    public void Llama2_probes_before_and_after_adding()
    {
        var before = HfTokenizer.FromFolder(Path.GetDirectoryName(TestPaths.Reference("llama2", "tokenizer.json"))!);
        Snapshot.Verify(Report(before, before.WithAddedTokens(ThinkAnswer, special: false)));
    }

    private static string Report(HfTokenizer before, HfTokenizer after)
    {
        var sb = new StringBuilder();
        foreach (var probe in Probes)
        {
            sb.Append("text:   ").Append(probe.Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
            sb.Append("before: ").Append(Describe(before, before.Encode(probe, addBos: true))).Append('\n');
            sb.Append("after:  ").Append(Describe(after, after.Encode(probe, addBos: true))).Append('\n');
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static string Describe(HfTokenizer tok, IReadOnlyList<int> ids) =>
        string.Join(" ", ids.Select(id => $"{id}:{tok.IdToToken(id)!.Replace("\n", "\\n", StringComparison.Ordinal)}"));
}
