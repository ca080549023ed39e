using System.Collections;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Finetune.Recipes;

/// <summary>
/// Maps a YAML tree onto the recipe records, collecting every error instead of stopping at the first.
/// Keys the YAML leaves out keep the records' defaults. <see cref="Nodes"/> remembers where each value was
/// written (by dotted path: <c>train.learning_rate</c>, <c>tokens.add[2]</c>, <c>seed.overrides[&lt;think&gt;]</c>)
/// so later rules can point at it.
/// </summary>
internal sealed partial class RecipeBinder(DiagnosticBag bag)
{
    public Dictionary<string, LocatedNode> Nodes { get; } = new(StringComparer.Ordinal);

    /// <summary>Paths whose value was rejected (and so kept its default); rules about them are skipped.</summary>
    public HashSet<string> Failed { get; } = new(StringComparer.Ordinal);

    public Recipe? BindRecipe(YamlNode root)
    {
        if (root is not YamlMapping map)
        {
            bag.Add(root, ErrorCodes.WrongType, $"a recipe must be a mapping of keys (name, model, ...), got {root.Describe()}");
            return null;
        }
        return (Recipe)BindRecord(typeof(Recipe), map, "", map);
    }

    private object BindRecord(Type type, YamlMapping map, string path, YamlNode owner)
    {
        var instance = Activator.CreateInstance(type)!;
        var members = RecipeMember.Of(type);
        var seen = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        var suggested = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in map.Entries)
        {
            if (!TryKey(keyNode, path, seen, out var key))
                continue;
            var member = members.FirstOrDefault(m => m.Key == key);
            if (member == null)
            {
                var known = members.Select(m => m.Key).ToList();
                var close = KeySuggester.Closest(key, known);
                if (close != null)
                    suggested.Add(close);
                bag.Add(keyNode, ErrorCodes.UnknownKey, $"unknown key `{key}`{In(path)}",
                    close != null ? $"did you mean `{close}`?" : "known keys: " + string.Join(", ", known));
                continue;
            }
            var memberPath = Join(path, key);
            Nodes[memberPath] = new LocatedNode(keyNode, valueNode);
            if (TryBind(member.Type, valueNode, memberPath, member, keyNode, out var value))
                member.Property.SetValue(instance, value);
        }
        // A missing key that an unknown key was taken for ("modle" -> model) is already reported.
        foreach (var member in members.Where(m => m.Required && !seen.ContainsKey(m.Key) && !suggested.Contains(m.Key)))
            bag.Add(owner, ErrorCodes.MissingKey, $"missing required key `{Join(path, member.Key)}`");
        return instance;
    }

    private bool TryKey(YamlNode keyNode, string path, Dictionary<string, YamlNode> seen, out string key)
    {
        key = "";
        if (keyNode is not YamlScalar { IsNull: false } scalar)
        {
            bag.Add(keyNode, ErrorCodes.WrongType, $"keys{In(path)} must be strings, got {keyNode.Describe()}");
            return false;
        }
        key = scalar.Value;
        if (seen.TryGetValue(key, out var first))
        {
            bag.Add(keyNode, ErrorCodes.DuplicateKey, $"duplicate key `{key}`{In(path)}", $"first given at line {first.Line}, column {first.Column}");
            return false;
        }
        seen[key] = keyNode;
        return true;
    }

    private bool TryBind(RecipeType type, YamlNode node, string path, RecipeMember? member, YamlNode owner, out object? value)
    {
        if (TryBindValue(type, node, path, member, owner, out value))
            return true;
        Failed.Add(path);
        return false;
    }

    private bool TryBindValue(RecipeType type, YamlNode node, string path, RecipeMember? member, YamlNode owner, out object? value)
    {
        value = null;
        if (node is YamlScalar { IsNull: true })
        {
            if (type.Nullable && member?.Required != true)
                return true;
            return WrongType(node, path, type);
        }
        return type.Kind switch
        {
            RecipeTypeKind.String => BindString(node, path, type, member, out value),
            RecipeTypeKind.Integer => BindInteger(node, path, type, member, out value),
            RecipeTypeKind.Number => BindNumber(node, path, type, member, out value),
            RecipeTypeKind.Boolean => BindBoolean(node, path, type, out value),
            RecipeTypeKind.Enum => BindEnum(node, path, type, out value),
            RecipeTypeKind.Scalar => BindScalar(node, path, type, out value),
            RecipeTypeKind.List => BindList(node, path, type, out value),
            RecipeTypeKind.StringMap => BindStringMap(node, path, type, out value),
            _ => BindRecordValue(node, path, type, owner, out value),
        };
    }

    private bool BindString(YamlNode node, string path, RecipeType type, RecipeMember? member, out object? value)
    {
        value = null;
        if (node is not YamlScalar scalar)
            return WrongType(node, path, type);
        if (member?.IsRegex == true && !IsValidRegex(scalar.Value, out var problem))
        {
            bag.Add(node, ErrorCodes.BadRegex, $"`{path}` is not a valid regular expression: {problem}");
            return false;
        }
        if ((member?.Required == true || member?.PathRule != null) && string.IsNullOrWhiteSpace(scalar.Value))
        {
            bag.Add(node, ErrorCodes.BadEntry, $"`{path}` is empty");
            return false;
        }
        value = scalar.Value;
        return true;
    }

    private bool BindInteger(YamlNode node, string path, RecipeType type, RecipeMember? member, out object? value)
    {
        value = null;
        if (node is not YamlScalar { IsPlain: true } scalar || !IntegerSyntax().IsMatch(scalar.Value))
            return WrongType(node, path, type);
        if (!int.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            bag.Add(node, ErrorCodes.OutOfRange, $"`{path}` is too large, got `{scalar.Value}`", $"at most {int.MaxValue}");
            return false;
        }
        value = number;
        return InRange(scalar, path, member, number);
    }

    private bool BindNumber(YamlNode node, string path, RecipeType type, RecipeMember? member, out object? value)
    {
        value = null;
        if (node is not YamlScalar { IsPlain: true } scalar || !NumberSyntax().IsMatch(scalar.Value))
            return WrongType(node, path, type);
        var number = double.Parse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (!double.IsFinite(number))
        {
            bag.Add(node, ErrorCodes.OutOfRange, $"`{path}` is too large, got `{scalar.Value}`");
            return false;
        }
        value = number;
        return InRange(scalar, path, member, number);
    }

    private bool InRange(YamlScalar scalar, string path, RecipeMember? member, double number)
    {
        if (member?.Range is not { } range || range.Contains(number))
            return true;
        bag.Add(scalar, ErrorCodes.OutOfRange, $"`{path}` must be {range.Describe()}, got `{scalar.Value}`");
        return false;
    }

    private bool BindBoolean(YamlNode node, string path, RecipeType type, out object? value)
    {
        value = null;
        if (node is YamlScalar { IsPlain: true, Value: "true" or "True" or "TRUE" })
            value = true;
        else if (node is YamlScalar { IsPlain: true, Value: "false" or "False" or "FALSE" })
            value = false;
        else
            return WrongType(node, path, type);
        return true;
    }

    private bool BindEnum(YamlNode node, string path, RecipeType type, out object? value)
    {
        value = null;
        if (node is not YamlScalar scalar)
            return WrongType(node, path, type);
        var names = RecipeMember.EnumNames(type.ClrType);
        var index = names.ToList().IndexOf(scalar.Value);
        if (index >= 0)
        {
            value = Enum.GetValues(type.ClrType).GetValue(index);
            return true;
        }
        var close = KeySuggester.Closest(scalar.Value, names);
        bag.Add(node, ErrorCodes.BadEnum, $"`{path}` must be one of {string.Join(", ", names)}, got {scalar.Describe()}",
            close is null ? null : $"did you mean `{close}`?");
        return false;
    }

    private bool BindScalar(YamlNode node, string path, RecipeType type, out object? value)
    {
        value = null;
        if (node is not YamlScalar scalar)
            return WrongType(node, path, type);
        if (type.TryParseScalar(scalar.Value, out value, out var error))
            return true;
        bag.Add(node, ErrorCodes.BadFormat, $"`{path}` {error}, got {scalar.Describe()}");
        return false;
    }

    private bool BindList(YamlNode node, string path, RecipeType type, out object? value)
    {
        value = null;
        if (node is not YamlSequence sequence)
            return WrongType(node, path, type);
        var itemType = type.Item!;
        var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(itemType.ClrType))!;
        var ok = true;
        for (var i = 0; i < sequence.Items.Count; i++)
        {
            var item = sequence.Items[i];
            var itemPath = $"{path}[{i}]";
            Nodes[itemPath] = new LocatedNode(item, item);
            if (TryBind(itemType, item, itemPath, null, item, out var itemValue))
                list.Add(itemValue);
            else
                ok = false;
        }
        value = list;
        return ok;
    }

    private bool BindStringMap(YamlNode node, string path, RecipeType type, out object? value)
    {
        value = null;
        if (node is not YamlMapping map)
            return WrongType(node, path, type);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        var ok = true;
        foreach (var (keyNode, valueNode) in map.Entries)
        {
            if (!TryKey(keyNode, path, seen, out var key))
            {
                ok = false;
                continue;
            }
            var entryPath = $"{path}[{key}]";
            Nodes[entryPath] = new LocatedNode(keyNode, valueNode);
            if (valueNode is YamlScalar { IsNull: false } scalar)
                result[key] = scalar.Value;
            else
                ok = WrongType(valueNode, entryPath, new RecipeType(RecipeTypeKind.String, typeof(string), false, null));
        }
        value = result;
        return ok;
    }

    private bool BindRecordValue(YamlNode node, string path, RecipeType type, YamlNode owner, out object? value)
    {
        value = null;
        if (node is not YamlMapping map)
            return WrongType(node, path, type);
        value = BindRecord(type.ClrType, map, path, owner);
        return true;
    }

    private bool WrongType(YamlNode node, string path, RecipeType type)
    {
        var quotedNumber = node is YamlScalar { IsPlain: false } s && NumberSyntax().IsMatch(s.Value)
            && type.Kind is RecipeTypeKind.Integer or RecipeTypeKind.Number;
        bag.Add(node, ErrorCodes.WrongType, $"`{path}` must be {type.Describe()}, got {node.Describe()}",
            quotedNumber ? "remove the quotes" : null);
        return false;
    }

    private static bool IsValidRegex(string pattern, out string problem)
    {
        problem = "";
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            return true;
        }
        catch (ArgumentException ex)
        {
            problem = ex.Message;
            return false;
        }
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private static string In(string path) => path.Length == 0 ? "" : $" in `{path}`";

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntegerSyntax();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex NumberSyntax();
}
