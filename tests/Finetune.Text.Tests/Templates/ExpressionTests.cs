namespace Finetune.Text.Tests.Templates;

/// <summary>Printing, arithmetic, comparisons, tests and literals with Python semantics (expected values per Python/Jinja2 rules).</summary>
public sealed class ExpressionTests
{
    [Theory]
    [InlineData("{{ 1.0 }}", "1.0")]
    [InlineData("{{ 1e16 }}", "1e+16")]
    [InlineData("{{ 0.00001 }}", "1e-05")]
    [InlineData("{{ 0.0001 }}", "0.0001")]
    [InlineData("{{ 1/3 }}", "0.3333333333333333")]
    [InlineData("{{ 10/2 }}", "5.0")]
    [InlineData("{{ 123456789012345678 }}", "123456789012345678")]
    [InlineData("{{ none }}|{{ None }}|{{ true }}|{{ False }}", "None|None|True|False")]
    [InlineData("{{ [1, 'a', none, true, {'k': \"v'\"}] }}", "[1, 'a', None, True, {'k': \"v'\"}]")]
    [InlineData("{{ (1, 2) }}|{{ (1,) }}|{{ () }}", "(1, 2)|(1,)|()")]
    [InlineData("{{ \"a\\tb\\\\n\\x41\\u00e9\\'\" }}", "a\tb\\nAé'")]
    public void Values_print_like_python_str(string template, string expected) =>
        Assert.Equal(expected, Jinja.Render(template));

    [Theory]
    [InlineData("{{ 7 // 2 }}|{{ -7 // 2 }}|{{ -7 % 3 }}|{{ 7 % -3 }}", "3|-4|2|-2")]
    [InlineData("{{ 2 ** 10 }}|{{ 2 ** -1 }}|{{ 1 + 2 * 3 }}|{{ (1 + 2) * 3 }}", "1024|0.5|7|9")]
    [InlineData("{{ 1 + 1.5 }}|{{ 3 - true }}|{{ -(2) }}|{{ -2.5 }}", "2.5|2|-2|-2.5")]
    [InlineData("{{ 'a' + 'b' }}|{{ [1] + [2] }}|{{ 'ab' * 3 }}|{{ 2 * 'x' }}", "ab|[1, 2]|ababab|xx")]
    [InlineData("{{ 'a' ~ 1 ~ none ~ true ~ nothing ~ 1.5 }}", "a1NoneTrue1.5")]
    [InlineData("{{ 2 * 3 ~ 4 }}|{{ -2 ** 2 }}", "64|4")]
    public void Arithmetic_and_concatenation_follow_python(string template, string expected) =>
        Assert.Equal(expected, Jinja.Render(template));

    [Theory]
    [InlineData("{{ 'a' in 'cat' }}|{{ 'x' not in ['x'] }}|{{ 'k' in {'k': 1} }}|{{ 2 in range(3) }}", "True|False|True|True")]
    [InlineData("{{ 1 == 1.0 }}|{{ [1, 2] == [1, 2] }}|{{ {'a': [1]} == {'a': [1]} }}|{{ 'a' != 'b' }}", "True|True|True|True")]
    [InlineData("{{ 1 < 2 < 3 }}|{{ 3 > 2 > 2 }}|{{ 'b' >= 'a' }}|{{ [1, 2] < [1, 3] }}", "True|False|True|True")]
    [InlineData("{{ 1 and 2 }}|{{ 0 or 'x' }}|{{ not 0 }}|{{ none or [] }}|{{ '' and 1 }}", "2|x|True|[]|")]
    [InlineData("{{ 'yes' if true else 'no' }}|{{ 'yes' if false }}|{{ 'a' if 0 else 'b' if 1 else 'c' }}", "yes||b")]
    public void Comparisons_and_logic_follow_python(string template, string expected) =>
        Assert.Equal(expected, Jinja.Render(template));

    [Theory]
    [InlineData("{{ x is defined }}|{{ x is undefined }}|{{ x is not defined }}", "False|True|True")]
    [InlineData("{{ none is none }}|{{ 0 is none }}|{{ 'a' is string }}|{{ {} is mapping }}|{{ [] is mapping }}", "True|False|True|True|False")]
    [InlineData("{{ [] is sequence }}|{{ 'a' is iterable }}|{{ 1 is iterable }}", "True|True|False")]
    [InlineData("{{ 1 is number }}|{{ 1.5 is integer }}|{{ 2 is integer }}|{{ true is boolean }}|{{ 1 is boolean }}", "True|False|True|True|False")]
    [InlineData("{{ true is true }}|{{ 1 is true }}|{{ false is false }}|{{ 0 is false }}", "True|False|True|False")]
    [InlineData("{{ 4 is even }}|{{ 3 is odd }}|{{ 9 is divisibleby(3) }}|{{ 9 is divisibleby 4 }}", "True|True|True|False")]
    [InlineData("{{ 'a' is equalto 'a' }}|{{ 'a' is eq('b') }}|{{ 2 is in [1, 2] }}", "True|False|True")]
    public void Tests_match_jinja(string template, string expected) =>
        Assert.Equal(expected, Jinja.Render(template));

    [Theory]
    [InlineData("{{ 'abcdef'[1:4] }}|{{ 'abcdef'[::-1] }}|{{ 'abcdef'[-2:] }}|{{ 'abcdef'[:-1] }}", "bcd|fedcba|ef|abcde")]
    [InlineData("{{ [1, 2, 3, 4, 5][::2] }}|{{ [1, 2, 3, 4, 5][-3:-1] }}|{{ [1, 2, 3][5:] }}|{{ [1, 2, 3][::-2] }}", "[1, 3, 5]|[3, 4]|[]|[3, 1]")]
    [InlineData("{{ 'abc'[10] }}|{{ [1, 2][-1] }}|{{ 'abc'[0] }}|{{ 'a🦙b'[1] }}|{{ 'a🦙b'|length }}", "|2|a|🦙|3")]
    [InlineData("{{ m.content }}|{{ m['role'] }}|{{ m.missing }}|{{ m.missing.deeper }}|{{ m.list.0 }}", "hi|user|||7")]
    public void Subscripts_slices_and_attributes(string template, string expected) =>
        Assert.Equal(expected, Jinja.Render(template, """{"m": {"role": "user", "content": "hi", "list": [7, 8]}}"""));

    [Theory]
    [InlineData("{{ '  x  '.strip() }}|{{ 'xxhixx'.strip('x') }}|{{ '\\n a'.lstrip() }}|{{ 'a \\n'.rstrip() }}|{{ 'ab\\n\\n'.rstrip('\\n') }}", "x|hi|a|a|ab")]
    [InlineData("{{ '  a b  c '.split() }}|{{ 'a,b,,c'.split(',') }}|{{ 'a,b,c'.split(',', 1) }}|{{ 'a,b,c'.rsplit(',', 1) }}", "['a', 'b', 'c']|['a', 'b', '', 'c']|['a', 'b,c']|['a,b', 'c']")]
    [InlineData("{{ 'abc'.startswith('ab') }}|{{ 'abc'.endswith(('x', 'c')) }}|{{ 'abc'.startswith('b') }}", "True|True|False")]
    [InlineData("{{ 'AbC'.lower() }}|{{ 'abc'.upper() }}|{{ 'a-b-c'.replace('-', '+') }}|{{ 'hello world'.title() }}|{{ \"they're\".title() }}", "abc|ABC|a+b+c|Hello World|They'Re")]
    [InlineData("{{ ', '.join(['a', 'b']) }}|{{ 'abcb'.find('b') }}|{{ 'abcb'.count('b') }}", "a, b|1|2")]
    [InlineData("{{ d.get('a') }}|{{ d.get('z') }}|{{ d.get('z', 5) }}|{{ d.keys()|list }}|{{ d.values()|list }}|{{ d.items()|list }}", "1|None|5|['a', 'b']|[1, 2]|[('a', 1), ('b', 2)]")]
    public void Python_methods_on_strings_and_dicts(string template, string expected) =>
        Assert.Equal(expected, Jinja.Render(template, """{"d": {"a": 1, "b": 2}}"""));

    [Fact]
    public void Undefined_values_render_empty_are_falsy_and_iterate_empty()
    {
        Assert.Equal("[][]x0", Jinja.Render("[{{ nothing }}][{{ nothing.attr }}]{% if not nothing %}x{% endif %}{% for i in nothing %}y{% endfor %}{{ nothing|length }}"));
    }
}
