using Finetune.Text.Templates;

namespace Finetune.Text.Tests.Templates;

/// <summary>
/// Expected sets are what Jinja2 3.1.6 <c>meta.find_undeclared_variables</c> returns for the same source in HF's
/// environment (where raise_exception and strftime_now are globals, as range/dict/namespace are here).
/// </summary>
public sealed class UndeclaredVariableTests
{
    [Theory]
    [InlineData("<think>{{ reasoning }}</think><answer>{{ output }}</answer>", "output,reasoning", "output,reasoning")]
    [InlineData("{% set sep = '; ' %}{% for s in steps %}{{ s | upper }}{% if not loop.last %}{{ sep }}{% endif %}{% endfor %}", "steps", "")]
    [InlineData("{% if hint %}Hint: {{ hint }}. {% endif %}{{ q }}", "hint,q", "hint,q")]
    [InlineData("{{ a.b['c'] ~ d[e] }}{% for x, y in pairs if x > limit %}{{ x }}{{ y }}{% endfor %}", "a,d,e,limit,pairs", "")]
    [InlineData("{% macro greet(name, greeting=hello) %}{{ greeting }} {{ name }} {{ who }}{% endmacro %}{{ greet(person) }}", "hello,person,who", "who")]
    [InlineData("{{ raise_exception('x') if bad }}{{ range(n) | join(',') }}{{ namespace(a=1).a }}", "bad,n", "")]
    [InlineData("{{ text | trim | upper }}{{ 'lit' }}", "text", "text")]
    public void Finds_the_names_a_template_reads_as_jinja2_meta_does(string source, string read, string printed)
    {
        var template = ChatTemplate.Parse(source);
        Assert.Equal(Split(read), template.UndeclaredVariables);
        Assert.Equal(Split(printed), template.PrintedVariables);
    }

    private static string[] Split(string names) => names.Length == 0 ? [] : names.Split(',');
}
