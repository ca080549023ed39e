namespace Finetune.Text.Templates;

/// <summary>A variable scope: lookups walk up to the parent, assignments land in this scope.</summary>
internal sealed class Scope(Scope? parent)
{
    private readonly Scope? _parent = parent;
    private readonly Dictionary<string, object?> _vars = new(StringComparer.Ordinal);

    public object? Lookup(string name)
    {
        for (var s = this; s != null; s = s._parent)
            if (s._vars.TryGetValue(name, out var value))
                return value;
        return Undefined.Instance;
    }

    public void Set(string name, object? value) => _vars[name] = value;
}
