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
        var flows = new Stack<(char Open, Mark At)>();
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
                return null;
            parser.Consume<DocumentStart>();
            var (root, _) = ReadNode(parser, anchors, budget, flows, 0);
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
            error = Describe(text, CleanMessage(ex.Message), ex.Start, flows);
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner gives up this way on some unclosed flow collections (`epochs: [1` mid-file).
            error = Describe(text, "while parsing a flow collection, did not find its end", Mark.Empty, flows);
            return null;
        }
    }

    /// <summary>
    /// YamlDotNet's reason in our words, at the place a user would fix: an unclosed <c>[</c> or <c>{</c> is
    /// reported where it opens, a tab used for indentation where the tab is.
    /// </summary>
    private static (string Message, int Line, int Column) Describe(string text, string reason, Mark at, Stack<(char Open, Mark At)> flows)
    {
        var line = Math.Max(1, Line(at));
        var column = Math.Max(1, Column(at));
        if (reason.Contains("tab", StringComparison.OrdinalIgnoreCase) && FirstIndentingTab(text) is var (tabLine, tabColumn))
            return ("a tab is used for indentation; YAML indents with spaces only", tabLine, tabColumn);
        if (reason.Contains("flow", StringComparison.Ordinal) && (flows.Count > 0 ? (flows.Peek().Open, Line(flows.Peek().At), Column(flows.Peek().At)) : FirstUnclosedBracket(text)) is var (open, openLine, openColumn))
        {
            var close = open == '[' ? ']' : '}';
            return ($"this `{open}` is never closed: expected `,` or `{close}` before the next key or the end of the file", openLine, openColumn);
        }
        var ours = reason switch
        {
            _ when reason.Contains("quoted scalar", StringComparison.Ordinal) && reason.Contains("end of stream", StringComparison.Ordinal)
                => "a quoted string is never closed",
            _ when reason.Contains("flow sequence", StringComparison.Ordinal) => "a `[` list is not closed: expected `,` or `]`",
            _ when reason.Contains("flow mapping", StringComparison.Ordinal) => "a `{` mapping is not closed: expected `,` or `}`",
            _ when reason.Contains("invalid mapping", StringComparison.Ordinal) || reason.Contains("mapping values are not allowed", StringComparison.OrdinalIgnoreCase)
                => "a `key:` where a value was expected (bad indentation, or a value containing `: ` that needs quotes)",
            _ when reason.Contains("block mapping", StringComparison.Ordinal)
                => "bad indentation: this line does not line up with the keys above it",
            _ when reason.Contains("block collection", StringComparison.Ordinal)
                => "bad indentation in a list: expected a `- ` item at this level",
            _ when reason.Contains("document start", StringComparison.Ordinal) || reason.Contains("document end", StringComparison.Ordinal)
                => "unexpected text after the recipe's top-level mapping (bad indentation?)",
            _ when reason.Contains("unknown alias", StringComparison.Ordinal) || reason.Contains("nesting deeper", StringComparison.Ordinal) || reason.Contains("nodes (counting", StringComparison.Ordinal)
                => reason,
            _ => $"not valid YAML: {reason}",
        };
        return (ours, line, column);
    }

    /// <summary>The first <c>[</c> or <c>{</c> (outside quotes and comments) that is never closed, 1-based.</summary>
    private static (char Open, int Line, int Column)? FirstUnclosedBracket(string text)
    {
        var open = new Stack<(char Open, int Line, int Column)>();
        int line = 1, column = 0;
        char quote = '\0';
        var comment = false;
        foreach (var c in text)
        {
            column++;
            if (c == '\n')
            {
                (line, column, comment) = (line + 1, 0, false);
                continue;
            }
            if (comment)
                continue;
            if (quote != '\0')
            {
                if (c == quote)
                    quote = '\0';
                continue;
            }
            switch (c)
            {
                case '"' or '\'':
                    quote = c;
                    break;
                case '#':
                    comment = true;
                    break;
                case '[' or '{':
                    open.Push((c, line, column));
                    break;
                case ']' or '}' when open.Count > 0:
                    open.Pop();
                    break;
            }
        }
        return open.Count > 0 ? open.Last() : null;
    }

    /// <summary>The 1-based line and column of the first tab inside a line's leading whitespace.</summary>
    private static (int Line, int Column)? FirstIndentingTab(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var l = lines[i];
            for (var c = 0; c < l.Length && (l[c] == ' ' || l[c] == '\t'); c++)
                if (l[c] == '\t')
                    return (i + 1, c + 1);
        }
        return null;
    }

    /// <summary>Reads one node; returns it with its size (nodes, aliases counted as copies of their target).</summary>
    private static (YamlNode Node, int Size) ReadNode(IParser parser, Dictionary<string, (YamlNode Node, int Size)> anchors, NodeBudget budget, Stack<(char Open, Mark At)> flows, int depth)
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
            if (sequenceStart.Style == SequenceStyle.Flow)
                flows.Push(('[', sequenceStart.Start));
            var items = new List<YamlNode>();
            var size = 1;
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                var (item, itemSize) = ReadNode(parser, anchors, budget, flows, depth + 1);
                items.Add(item);
                size += itemSize;
            }
            if (sequenceStart.Style == SequenceStyle.Flow)
                flows.Pop();
            result = (new YamlSequence(items, Line(start.Start), Column(start.Start)), size);
        }
        else
        {
            var mappingStart = parser.Consume<MappingStart>();
            start = mappingStart;
            if (mappingStart.Style == MappingStyle.Flow)
                flows.Push(('{', mappingStart.Start));
            var entries = new List<KeyValuePair<YamlNode, YamlNode>>();
            var size = 1;
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var (key, keySize) = ReadNode(parser, anchors, budget, flows, depth + 1);
                var (value, valueSize) = ReadNode(parser, anchors, budget, flows, depth + 1);
                entries.Add(new(key, value));
                size += keySize + valueSize;
            }
            if (mappingStart.Style == MappingStyle.Flow)
                flows.Pop();
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
