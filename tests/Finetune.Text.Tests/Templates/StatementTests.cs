namespace Finetune.Text.Tests.Templates;

/// <summary>if/for/set/macro/call/generation statements with Jinja2 scoping rules.</summary>
public sealed class StatementTests
{
    [Fact]
    public void If_elif_else_picks_the_first_true_branch()
    {
        const string t = "{% for n in [1, 2, 3] %}{% if n == 1 %}one{% elif n == 2 %}two{% else %}many{% endif %},{% endfor %}";
        Assert.Equal("one,two,many,", Jinja.Render(t));
    }

    [Fact]
    public void Loop_variables_report_position()
    {
        const string t = "{% for c in 'abc' %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}"
            + "{{ loop.first }}{{ loop.last }}{{ loop.length }}{{ loop.previtem }}{{ loop.nextitem }}{{ loop.cycle('x', 'y') }};{% endfor %}";
        Assert.Equal("1032TrueFalse3bx;2121FalseFalse3acy;3210FalseTrue3bx;", Jinja.Render(t));
    }

    [Fact]
    public void Loop_filter_counts_only_kept_items_and_else_runs_on_empty()
    {
        Assert.Equal("1/4:2,2/4:4,3/4:6,4/4:8", Jinja.Render(
            "{% for i in range(1, 10) if i is even %}{{ loop.index }}/{{ loop.length }}:{{ i }}{{ ',' if not loop.last }}{% endfor %}"));
        Assert.Equal("empty", Jinja.Render("{% for i in [] %}x{% else %}empty{% endfor %}"));
        Assert.Equal("empty", Jinja.Render("{% for i in [1, 3] if i is even %}x{% else %}empty{% endfor %}"));
    }

    [Fact]
    public void Break_and_continue()
    {
        Assert.Equal("02", Jinja.Render(
            "{% for i in range(5) %}{% if i == 1 %}{% continue %}{% endif %}{% if i == 3 %}{% break %}{% endif %}{{ i }}{% endfor %}"));
    }

    [Fact]
    public void For_unpacks_pairs()
    {
        Assert.Equal("a=1;b=[1, 2];", Jinja.Render("{% for k, v in {'a': 1, 'b': [1, 2]}|items %}{{ k }}={{ v }};{% endfor %}"));
        Assert.Equal("a1", Jinja.Render("{% for k, v in {'a': 1}.items() %}{{ k }}{{ v }}{% endfor %}"));
    }

    [Fact]
    public void Set_inside_a_loop_does_not_leak_but_namespace_attributes_do()
    {
        Assert.Equal("5", Jinja.Render("{% set x = 5 %}{% for i in [1] %}{% set x = 9 %}{% endfor %}{{ x }}"));
        Assert.Equal("0,1,2,", Jinja.Render("{% for i in range(3) %}{% set x = (x or 0) + i %}{{ x }},{% endfor %}"));
        Assert.Equal("6|0123", Jinja.Render(
            "{% set ns = namespace(c=0, s='') %}{% for i in range(4) %}{% set ns.c = ns.c + i %}{% set ns.s = ns.s ~ i %}{% endfor %}{{ ns.c }}|{{ ns.s }}"));
        Assert.Equal("2", Jinja.Render("{% set ns = namespace() %}{% set ns.index = 0 %}{% for i in 'ab' %}{% set ns.index = ns.index + 1 %}{% endfor %}{{ ns.index }}"));
    }

    [Fact]
    public void Set_block_tuple_and_if_do_not_create_scopes()
    {
        Assert.Equal("[  inner 2 ]", Jinja.Render("{% set blk %}  inner {{ 1 + 1 }} {% endset %}[{{ blk }}]"));
        Assert.Equal("[INNER]", Jinja.Render("{% set blk | trim | upper %}  inner  {% endset %}[{{ blk }}]"));
        Assert.Equal("12x", Jinja.Render("{% set a, b = 1, 2 %}{{ a }}{{ b }}{% set t = (1, 'x') %}{{ t[1] }}"));
        Assert.Equal("set", Jinja.Render("{% if true %}{% set v = 'set' %}{% endif %}{{ v }}"));
    }

    [Fact]
    public void Macros_take_defaults_keywords_and_caller()
    {
        Assert.Equal("Hi Bob!Hi Al?", Jinja.Render(
            "{% macro greet(name, punct='!') %}Hi {{ name }}{{ punct }}{% endmacro %}{{ greet('Bob') }}{{ greet('Al', punct='?') }}"));
        Assert.Equal("<body>", Jinja.Render("{% macro wrap() %}<{{ caller() }}>{% endmacro %}{% call wrap() %}body{% endcall %}"));
        Assert.Equal("[v=8]", Jinja.Render("{% macro w(x) %}[{{ caller(x * 2) }}]{% endmacro %}{% call(v) w(4) %}v={{ v }}{% endcall %}"));
        Assert.Equal("3:(4, 5)", Jinja.Render("{% macro m(a) %}{{ a }}:{{ varargs }}{% endmacro %}{{ m(3, 4, 5) }}"));
    }

    [Fact]
    public void Macros_can_recurse_within_the_depth_limit()
    {
        Assert.Equal("3210", Jinja.Render("{% macro down(n) %}{{ n }}{% if n > 0 %}{{ down(n - 1) }}{% endif %}{% endmacro %}{{ down(3) }}"));
    }

    [Fact]
    public void Filter_block_applies_to_its_body()
    {
        Assert.Equal("HELLO", Jinja.Render("{% filter upper %}hello{% endfilter %}"));
    }

    [Fact]
    public void Generation_blocks_render_their_body_and_report_spans()
    {
        const string t = "{% for m in messages %}{% if m.role == 'assistant' %}<a>{% generation %}{{ m.content }}</a>{% endgeneration %}"
            + "{% else %}<u>{{ m.content }}</u>{% endif %}{% endfor %}";
        const string ctx = """{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}, {"role": "user", "content": "q"}, {"role": "assistant", "content": "ok!"}]}""";

        var result = Jinja.RenderResult(t, ctx);

        Assert.Equal("<u>hi</u><a>yo</a><u>q</u><a>ok!</a>", result.Text);
        // "<u>hi</u><a>" is 12 chars, "yo</a>" 6; "<u>q</u><a>" is 11 more (12 + 6 + 11 = 29), "ok!</a>" 7.
        Assert.Equal([(12, 6), (29, 7)], result.GenerationSpans);
        Assert.Equal("yo</a>", result.Text.Substring(12, 6));
    }

    [Fact]
    public void Templates_without_generation_blocks_report_no_spans() =>
        Assert.Empty(Jinja.RenderResult("plain").GenerationSpans);
}
