namespace Finetune.Text.Tests.Templates;

/// <summary>Jinja2 filter semantics (expected values worked out from Jinja2 3.1's documented behaviour).</summary>
public sealed class FilterTests
{
    private const string Users = """{"users": [{"n": "a", "r": "user"}, {"n": "b", "r": "bot"}, {"n": "c", "r": "user", "x": {"y": 1}}]}""";

    [Theory]
    [InlineData("{{ '  x \\n'|trim }}|{{ 'xax'|trim('x') }}", "x|a")]
    [InlineData("{{ 'Hello'|upper }}|{{ 'Hello'|lower }}|{{ 'hELLO wORLD'|capitalize }}", "HELLO|hello|Hello world")]
    [InlineData("{{ 'ab cd-ef (gh'|title }}", "Ab Cd-Ef (Gh")]
    [InlineData("{{ 'hello'|replace('l', 'L') }}|{{ 'hello'|replace('l', 'L', 1) }}", "heLLo|heLlo")]
    [InlineData("{{ [1, 2, 3]|join(', ') }}|{{ ['a', 'b']|join }}|{{ users|join('/', attribute='n') }}", "1, 2, 3|ab|a/b/c")]
    [InlineData("{{ x|default('dflt') }}|{{ ''|default('e') }}|{{ ''|default('e', true) }}|{{ none|d('n') }}", "dflt||e|None")]
    [InlineData("{{ 'abc'|length }}|{{ {'a': 1}|count }}|{{ [1, 2, 3]|first }}|{{ [1, 2, 3]|last }}|{{ []|first }}|{{ 'xyz'|first }}", "3|1|1|3||x")]
    [InlineData("{{ [3, 1, 2]|sort }}|{{ ['b', 'A', 'c']|sort }}|{{ ['b', 'A', 'c']|sort(case_sensitive=true) }}|{{ [3, 1, 2]|sort(reverse=true) }}", "[1, 2, 3]|['A', 'b', 'c']|['A', 'b', 'c']|[3, 2, 1]")]
    [InlineData("{{ users|sort(attribute='r')|map(attribute='n')|join }}", "bac")]
    [InlineData("{{ [1, 2, 2, 3, 1]|unique|list }}|{{ ['a', 'A']|unique|list }}|{{ [1, 2, 3]|reverse|list }}|{{ 'abc'|reverse }}", "[1, 2, 3]|['a']|[3, 2, 1]|cba")]
    [InlineData("{{ -3|abs }}|{{ '12'|int + 1 }}|{{ '3.5'|float }}|{{ 'x'|int }}|{{ 3.9|int }}|{{ '0x1A'|int(base=16) }}|{{ 'x'|float(1.5) }}", "3|13|3.5|0|3|26|1.5")]
    [InlineData("{{ 2.5|round }}|{{ 3.5|round }}|{{ 3|round }}|{{ 3.14159|round(2) }}|{{ 2.1|round(0, 'ceil') }}", "2.0|4.0|3|3.14|3.0")]
    [InlineData("{{ 2.675|round(2) }}|{{ 0.125|round(2) }}|{{ 0.375|round(2) }}|{{ 1234.5678|round(-2) }}|{{ -2.5|round }}", "2.67|0.12|0.38|1200.0|-2.0")]
    [InlineData("{{ {'a': 1, 'b': [1, 2]}|items|list }}|{{ nothing|items|list }}", "[('a', 1), ('b', [1, 2])]|[]")]
    [InlineData("{{ 'ab'|list }}|{{ 5|string ~ 1 }}|{{ [1, 2.0, 'x']|string }}|{{ {'a': none}|string }}", "['a', 'b']|51|[1, 2.0, 'x']|{'a': None}")]
    [InlineData("{{ 'l1\\nl2\\n\\nl3'|indent(2) }}|{{ 'l1\\nl2'|indent(2, true) }}|{{ 'a\\n\\nb'|indent('>', blank=true) }}", "l1\n  l2\n\n  l3|  l1\n  l2|a\n>\n>b")]
    [InlineData("{{ [1, 2, 3]|sum }}|{{ [3, 1, 2]|max }}|{{ [3, 1, 2]|min }}|{{ {'b': 1, 'a': 2}|dictsort }}", "6|3|1|[('a', 2), ('b', 1)]")]
    public void Filters_behave_like_jinja(string template, string expected) =>
        Assert.Equal(expected, Jinja.Render(template, Users));

    [Theory]
    [InlineData("{{ users|selectattr('r', 'equalto', 'user')|map(attribute='n')|list }}", "['a', 'c']")]
    [InlineData("{{ users|rejectattr('r', 'equalto', 'user')|map(attribute='n')|join }}", "b")]
    [InlineData("{{ users|selectattr('x')|map(attribute='n')|list }}|{{ users|selectattr('x.y', 'eq', 1)|list|length }}", "['c']|1")]
    [InlineData("{{ users|map(attribute='zz', default='q')|list }}|{{ users|map(attribute='x.y')|list }}", "['q', 'q', 'q']|[Undefined, Undefined, 1]")]
    [InlineData("{{ ['a', 'code', 'b']|reject('equalto', 'code')|list }}|{{ [0, 1, 2]|select|list }}|{{ [1, 2, 3, 4]|select('even')|list }}", "['a', 'b']|[1, 2]|[2, 4]")]
    [InlineData("{{ ['a', 'b']|map('upper')|list }}|{{ [' a ', 'b ']|map('trim')|join(',') }}", "['A', 'B']|a,b")]
    public void Select_reject_and_map(string template, string expected) =>
        Assert.Equal(expected, Jinja.Render(template, Users));
}
