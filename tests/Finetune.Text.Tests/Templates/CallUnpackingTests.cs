namespace Finetune.Text.Tests.Templates;

/// <summary>
/// Python call syntax with <c>*args</c> and <c>**kwargs</c>, as Jinja2 3.1 parses and evaluates it (the AI21
/// Jamba 1.6 template calls <c>macro(*params)</c>). Expected outputs worked out from Jinja2's
/// <c>Parser.parse_call_args</c> and <c>CodeGenerator.signature</c>: positional arguments, then the spread
/// iterable; keywords, then the spread mapping.
/// </summary>
public sealed class CallUnpackingTests
{
    [Theory]
    [InlineData("{% macro f(a, b, c) %}{{ a }}-{{ b }}-{{ c }}{% endmacro %}{{ f(*[1, 2, 3]) }}", "1-2-3")]
    [InlineData("{% macro f(a, b, c) %}{{ a }}-{{ b }}-{{ c }}{% endmacro %}{% set params = ['x', 'y'] %}{{ f(0, *params) }}", "0-x-y")]
    [InlineData("{% macro f(a, b='B') %}{{ a }}{{ b }}{% endmacro %}{{ f(**{'a': 1, 'b': 2}) }}", "12")]
    [InlineData("{% macro f(a, b='B') %}{{ a }}{{ b }}{{ kwargs.z }}{% endmacro %}{{ f(*[7], **{'z': 9}) }}", "7B9")]
    [InlineData("{% macro f(a, b) %}{{ a }}{{ b }}{% endmacro %}{{ f(*['p'], b='q') }}", "pq")]
    [InlineData("{% macro f() %}{{ varargs|length }}{% endmacro %}{{ f(*range(4)) }}", "4")]
    [InlineData("{% macro f(a) %}[{{ a }}]{% endmacro %}{{ f(*'z',) }}", "[z]")]
    [InlineData("{{ '{}-{}'.split('-')|join(*['+']) }}", "{}+{}")]
    [InlineData("{{ [3, 1, 2]|sort(**{'reverse': true})|join(',') }}", "3,2,1")]
    [InlineData("{{ dict(b=2, **{'a': 1})|tojson }}", "{\"b\": 2, \"a\": 1}")]
    public void Unpacking_in_calls_and_filters(string template, string expected)
    {
        Assert.Equal(expected, Jinja.Render(template));
    }

    [Fact]
    public void The_jamba_macro_call_shape_renders()
    {
        // The AI21 Jamba 1.6 template's shape: a macro taking several values called with one spread list.
        var template = """
            {%- macro render_tool(name, description, parameters) -%}
            {{ name }}: {{ description }} {{ parameters|tojson }}
            {%- endmacro -%}
            {%- for tool in tools -%}
            {%- set params = [tool.name, tool.description, tool.parameters] -%}
            {{ render_tool(*params) }};
            {%- endfor -%}
            """;
        var context = """{"tools": [{"name": "get", "description": "fetch", "parameters": {"url": "str"}}]}""";
        Assert.Equal("get: fetch {\"url\": \"str\"};", Jinja.Render(template, context));
    }

    [Theory]
    [InlineData("{{ f(*a, *b) }}", "'*' after '*' or '**'")]
    [InlineData("{{ f(**a, **b) }}", "a second '**'")]
    [InlineData("{{ f(**a, x=1) }}", "keyword argument after '**'")]
    [InlineData("{{ f(*a, 1) }}", "positional argument follows keyword argument or unpacking")]
    [InlineData("{{ f(x=1, 2) }}", "positional argument follows keyword argument or unpacking")]
    public void Misplaced_unpacking_is_a_syntax_error(string template, string reason)
    {
        var e = Assert.Throws<Finetune.Text.Templates.TemplateSyntaxException>(() => Finetune.Text.Templates.ChatTemplate.Parse(template));
        Assert.Contains(reason, e.Reason);
    }

    [Theory]
    [InlineData("{% macro f() %}{% endmacro %}{{ f(**[1]) }}", "argument after ** must be a mapping")]
    [InlineData("{% macro f() %}{% endmacro %}{{ f(a=1, **{'a': 2}) }}", "got multiple values for keyword argument 'a'")]
    [InlineData("{% macro f() %}{% endmacro %}{{ f(*5) }}", "'int' object is not iterable")]
    public void Bad_unpacking_values_are_runtime_errors(string template, string reason)
    {
        var e = Assert.Throws<Finetune.Text.Templates.TemplateRuntimeException>(() => Jinja.Render(template));
        Assert.Equal(reason, e.Reason);
    }
}
