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

    /// <summary>Deeper nesting is refused (a recipe is three or four levels deep).</summary>
    public const int MaxDepth = 64;

    /// <summary>More nodes, counting every alias use as a copy, are refused (alias bombs).</summary>
    public const int MaxNodes = 100_000;

    /// <summary>The single document's root; null with an error (message, line, column) when the text is not one YAML document.</summary>
    public static YamlNode? Read(string text, out (string Message, int Line, int Column)? error)
    {
        error = null;
        var parser = new Parser(new StringReader(text));
        var anchors = new Dictionary<string, (YamlNode Node, int Size)>(StringComparer.Ordinal);
        var budget = new NodeBudget();
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
                return null;
            parser.Consume<DocumentStart>();
            var (root, _) = ReadNode(parser, anchors, budget, 0);
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

    /// <summary>Reads one node; returns it with its size (nodes, aliases counted as copies of their target).</summary>
    private static (YamlNode Node, int Size) ReadNode(IParser parser, Dictionary<string, (YamlNode Node, int Size)> anchors, NodeBudget budget, int depth)
    {
        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            if (!anchors.TryGetValue(alias.Value.Value, out var target))
                throw new YamlException(alias.Start, alias.End, $"unknown alias *{alias.Value.Value}");
            budget.Spend(target.Size, alias.Start);
            return target;
        }
        if (depth > MaxDepth)
            throw new YamlException(parser.Current!.Start, parser.Current.End, $"nesting deeper than {MaxDepth} levels");

        budget.Spend(1, parser.Current!.Start);
        (YamlNode Node, int Size) result;
        NodeEvent start;
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            start = scalar;
            var plain = scalar.Style == ScalarStyle.Plain && (scalar.Tag.IsEmpty || scalar.Tag.Value != StrTag);
            result = (new YamlScalar(scalar.Value, plain, Line(scalar.Start), Column(scalar.Start)), 1);
        }
        else if (parser.TryConsume<SequenceStart>(out var sequenceStart))
        {
            start = sequenceStart;
            var items = new List<YamlNode>();
            var size = 1;
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                var (item, itemSize) = ReadNode(parser, anchors, budget, depth + 1);
                items.Add(item);
                size += itemSize;
            }
            result = (new YamlSequence(items, Line(start.Start), Column(start.Start)), size);
        }
        else
        {
            start = parser.Consume<MappingStart>();
            var entries = new List<KeyValuePair<YamlNode, YamlNode>>();
            var size = 1;
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var (key, keySize) = ReadNode(parser, anchors, budget, depth + 1);
                var (value, valueSize) = ReadNode(parser, anchors, budget, depth + 1);
                entries.Add(new(key, value));
                size += keySize + valueSize;
            }
            result = (new YamlMapping(entries, Line(start.Start), Column(start.Start)), size);
        }
        if (!start.Anchor.IsEmpty)
            anchors[start.Anchor.Value] = result;
        return result;
    }

    /// <summary>Counts nodes as the binder will visit them and stops a document that would be too large.</summary>
    private sealed class NodeBudget
    {
        private long _spent;

        public void Spend(int nodes, Mark at)
        {
            _spent += nodes;
            if (_spent > MaxNodes)
                throw new YamlException(at, at, $"the document has more than {MaxNodes} nodes (counting alias uses)");
        }
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
