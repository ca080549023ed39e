using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Finetune.Recipes;

/// <summary>
/// Reads YAML text into <see cref="YamlNode"/>s from YamlDotNet's parser events, keeping every node's position
/// and duplicate keys (YamlDotNet's own representation model stops at the first duplicate).
/// </summary>
internal static partial class YamlTreeReader
{
    private const string StrTag = "tag:yaml.org,2002:str";

    /// <summary>The single document's root; null with an error (message, line, column) when the text is not one YAML document.</summary>
    public static YamlNode? Read(string text, out (string Message, int Line, int Column)? error)
    {
        error = null;
        var parser = new Parser(new StringReader(text));
        var anchors = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
                return null;
            parser.Consume<DocumentStart>();
            var root = ReadNode(parser, anchors);
            parser.Consume<DocumentEnd>();
            if (parser.Accept<DocumentStart>(out var second))
            {
                error = ("a recipe is one YAML document; found a second one", Line(second.Start), Column(second.Start));
                return null;
            }
            return root;
        }
        catch (YamlException ex)
        {
            error = (CleanMessage(ex.Message), Line(ex.Start), Column(ex.Start));
            return null;
        }
    }

    private static YamlNode ReadNode(IParser parser, Dictionary<string, YamlNode> anchors)
    {
        if (parser.TryConsume<AnchorAlias>(out var alias))
            return anchors.TryGetValue(alias.Value.Value, out var target)
                ? target
                : throw new YamlException(alias.Start, alias.End, $"unknown alias *{alias.Value.Value}");

        YamlNode node;
        NodeEvent start;
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            start = scalar;
            var plain = scalar.Style == ScalarStyle.Plain && (scalar.Tag.IsEmpty || scalar.Tag.Value != StrTag);
            node = new YamlScalar(scalar.Value, plain, Line(scalar.Start), Column(scalar.Start));
        }
        else if (parser.TryConsume<SequenceStart>(out var sequenceStart))
        {
            start = sequenceStart;
            var items = new List<YamlNode>();
            while (!parser.TryConsume<SequenceEnd>(out _))
                items.Add(ReadNode(parser, anchors));
            node = new YamlSequence(items, Line(start.Start), Column(start.Start));
        }
        else
        {
            var mappingStart = parser.Consume<MappingStart>();
            start = mappingStart;
            var entries = new List<KeyValuePair<YamlNode, YamlNode>>();
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var key = ReadNode(parser, anchors);
                entries.Add(new(key, ReadNode(parser, anchors)));
            }
            node = new YamlMapping(entries, Line(start.Start), Column(start.Start));
        }
        if (!start.Anchor.IsEmpty)
            anchors[start.Anchor.Value] = node;
        return node;
    }

    private static int Line(Mark mark) => (int)mark.Line;

    private static int Column(Mark mark) => (int)mark.Column;

    /// <summary>Drops YamlDotNet's "(Line: 1, Col: 2, Idx: 3) - (Line: ...): " prefix: the diagnostic carries the position.</summary>
    private static string CleanMessage(string message)
    {
        var text = MarkPrefix().Replace(message, "").Trim();
        return text.Length == 0 ? "invalid YAML" : char.ToLowerInvariant(text[0]) + text[1..].TrimEnd('.');
    }

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*")]
    private static partial Regex MarkPrefix();
}
