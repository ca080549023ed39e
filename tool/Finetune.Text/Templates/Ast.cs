namespace Finetune.Text.Templates;

// The template's syntax tree. Statements render output; expressions produce values.

internal readonly record struct Pos(int Line, int Column);

internal abstract record Stmt(Pos Pos);

internal sealed record TextStmt(Pos Pos, string Text) : Stmt(Pos);

internal sealed record OutputStmt(Pos Pos, Expr Value) : Stmt(Pos);

internal sealed record IfStmt(Pos Pos, IReadOnlyList<(Expr Condition, IReadOnlyList<Stmt> Body)> Branches, IReadOnlyList<Stmt> Else) : Stmt(Pos);

internal sealed record ForStmt(Pos Pos, Target Target, Expr Iterable, Expr? Filter, IReadOnlyList<Stmt> Body, IReadOnlyList<Stmt> Else) : Stmt(Pos);

internal sealed record SetStmt(Pos Pos, Target Target, Expr Value) : Stmt(Pos);

internal sealed record SetBlockStmt(Pos Pos, Target Target, IReadOnlyList<FilterExpr> Filters, IReadOnlyList<Stmt> Body) : Stmt(Pos);

internal sealed record MacroStmt(Pos Pos, string Name, IReadOnlyList<Param> Params, IReadOnlyList<Stmt> Body) : Stmt(Pos);

internal sealed record CallBlockStmt(Pos Pos, IReadOnlyList<Param> CallerParams, CallExpr Call, IReadOnlyList<Stmt> Body) : Stmt(Pos);

internal sealed record FilterBlockStmt(Pos Pos, IReadOnlyList<FilterExpr> Filters, IReadOnlyList<Stmt> Body) : Stmt(Pos);

internal sealed record GenerationStmt(Pos Pos, IReadOnlyList<Stmt> Body) : Stmt(Pos);

internal sealed record BreakStmt(Pos Pos) : Stmt(Pos);

internal sealed record ContinueStmt(Pos Pos) : Stmt(Pos);

/// <summary>A macro or caller parameter with an optional default.</summary>
internal sealed record Param(string Name, Expr? Default);

/// <summary>What a for/set binds: one name, a tuple of names, or <c>ns.attr</c>.</summary>
internal abstract record Target(Pos Pos);

internal sealed record NameTarget(Pos Pos, string Name) : Target(Pos);

internal sealed record TupleTarget(Pos Pos, IReadOnlyList<string> Names) : Target(Pos);

internal sealed record AttrTarget(Pos Pos, string Name, string Attr) : Target(Pos);

internal abstract record Expr(Pos Pos);

internal sealed record LiteralExpr(Pos Pos, object? Value) : Expr(Pos);

internal sealed record NameExpr(Pos Pos, string Name) : Expr(Pos);

internal sealed record ListExpr(Pos Pos, IReadOnlyList<Expr> Items, bool IsTuple) : Expr(Pos);

internal sealed record DictExpr(Pos Pos, IReadOnlyList<(Expr Key, Expr Value)> Items) : Expr(Pos);

internal sealed record AttrExpr(Pos Pos, Expr Target, string Name) : Expr(Pos);

internal sealed record ItemExpr(Pos Pos, Expr Target, Expr Key) : Expr(Pos);

internal sealed record SliceExpr(Pos Pos, Expr Target, Expr? Start, Expr? Stop, Expr? Step) : Expr(Pos);

internal sealed record CallExpr(Pos Pos, Expr Callee, IReadOnlyList<Expr> Args, IReadOnlyList<(string Name, Expr Value)> Kwargs) : Expr(Pos);

/// <summary><c>value | name(args)</c>; <see cref="Value"/> is null inside a filter block or set-block chain.</summary>
internal sealed record FilterExpr(Pos Pos, Expr? Value, string Name, IReadOnlyList<Expr> Args, IReadOnlyList<(string Name, Expr Value)> Kwargs) : Expr(Pos);

internal sealed record TestExpr(Pos Pos, Expr Value, string Name, IReadOnlyList<Expr> Args, bool Negated) : Expr(Pos);

internal sealed record UnaryExpr(Pos Pos, string Op, Expr Operand) : Expr(Pos);

internal sealed record BinaryExpr(Pos Pos, string Op, Expr Left, Expr Right) : Expr(Pos);

/// <summary>Python-style chained comparison <c>a &lt; b &lt;= c</c>.</summary>
internal sealed record CompareExpr(Pos Pos, Expr First, IReadOnlyList<(string Op, Expr Operand)> Rest) : Expr(Pos);

/// <summary>
/// <c>*value</c> in a call's positional arguments (always last); its items are spliced in. <c>**value</c> is
/// kept as the keyword argument named <see cref="KeywordsName"/> whose mapping is spliced into the keywords.
/// </summary>
internal sealed record SpreadExpr(Pos Pos, Expr Value) : Expr(Pos)
{
    public const string KeywordsName = "**";
}

internal sealed record CondExpr(Pos Pos, Expr Condition, Expr Then, Expr? Else) : Expr(Pos);
