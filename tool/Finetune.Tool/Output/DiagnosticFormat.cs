using System.Text.Json.Nodes;
using Finetune.Recipes;

namespace Finetune.Tool.Output;

/// <summary>
/// One recipe diagnostic as one line, in the shape each consumer links to the file:
/// <c>text</c> (compilers' <c>file:line:col: error FT0xx: message (hint)</c>),
/// <c>msbuild</c> (<c>file(line,col): error FT0xx: message</c>, what IDEs and MSBuild loggers parse),
/// <c>github</c> (a workflow command, <c>::error file=...,line=...,col=...::FT0xx: message</c>, shown on the
/// pull request's diff) and <c>json</c> (one object with every field).
/// </summary>
public static class DiagnosticFormat
{
    public static readonly IReadOnlyList<string> Names = ["text", "msbuild", "github", "json"];

    public static string Write(RecipeDiagnostic d, string format) => format switch
    {
        "text" => d.ToString(),
        "msbuild" => $"{d.File}({d.Line},{d.Column}): error {d.Code}: {MessageWithHint(d)}",
        "github" => $"::error file={GithubProperty(d.File)},line={d.Line},col={d.Column}::{GithubData($"{d.Code}: {MessageWithHint(d)}")}",
        "json" => new JsonObject
        {
            ["file"] = d.File, ["line"] = d.Line, ["column"] = d.Column,
            ["code"] = d.Code, ["message"] = d.Message, ["hint"] = d.Hint,
        }.ToJsonString(),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown diagnostic format"),
    };

    private static string MessageWithHint(RecipeDiagnostic d) => d.Hint is null ? d.Message : $"{d.Message} ({d.Hint})";

    // GitHub's workflow-command escaping (actions/toolkit core/src/command.ts): data escapes % CR LF,
    // property values escape : and , as well.
    private static string GithubData(string s) =>
        s.Replace("%", "%25", StringComparison.Ordinal).Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);

    private static string GithubProperty(string s) =>
        GithubData(s).Replace(":", "%3A", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal);
}
