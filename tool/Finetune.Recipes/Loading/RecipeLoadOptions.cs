namespace Finetune.Recipes;

/// <summary>How strictly a recipe is loaded.</summary>
public sealed record RecipeLoadOptions
{
    /// <summary>The default: paths are checked, and message templates when a checker is registered.</summary>
    public static RecipeLoadOptions Default => new();

    /// <summary>
    /// The template checker new options start with. This project does not reference the template engine, so the
    /// CLI registers one at start-up; MSBuild tasks, which have none, skip the check.
    /// </summary>
    public static Func<string, TemplateSyntaxError?>? DefaultTemplateCheck { get; set; }

    /// <summary>Check that model.path, data.path and a chat_template file exist (the CLI's <c>--no-path-check</c> turns this off).</summary>
    public bool CheckPaths { get; init; } = true;

    /// <summary>Parses one <c>data.messages[].content</c> template: null when it parses, else the first syntax error.</summary>
    public Func<string, TemplateSyntaxError?>? TemplateCheck { get; init; } = DefaultTemplateCheck;
}
