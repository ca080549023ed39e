using Finetune.Text.Templates;

namespace Finetune.Text.Tests.Templates;

/// <summary>Syntax errors carry line and column; runtime errors, raise_exception and sandbox limits have their own types.</summary>
public sealed class ErrorTests
{
    [Theory]
    [InlineData("{% if x %}\n  {{ a + }}\n{% endif %}", 2, 10, "unexpected '}}'")]
    [InlineData("{{ 'a' }}\n{% for %}", 2, 8, "expected a name, got '%}'")]
    [InlineData("line\n{% if true %}x", 2, 15, "unexpected end of template, expected 'elif' or 'else' or 'endif'")]
    [InlineData("{{ foo(1 }}", 1, 10, "unexpected '}}', expected ',' or ')'")]
    [InlineData("hello {{ 'unterminated }}", 1, 10, "unterminated string literal")]
    [InlineData("ok\n\n   {% endif %}", 3, 7, "unexpected '{% endif %}' without a matching opening tag")]
    [InlineData("{% include 'x.jinja' %}", 1, 4, "unknown tag 'include'")]
    [InlineData("{{ x|nosuchfilter }}", 1, 6, "no filter named 'nosuchfilter'")]
    [InlineData("{{ 1 is nosuchtest }}", 1, 9, "no test named 'nosuchtest'")]
    [InlineData("a\n{% break %}", 2, 4, "'break' outside of a loop")]
    [InlineData("{# never closed", 1, 1, "unclosed comment: missing '#}'")]
    public void Syntax_errors_report_line_and_column(string template, int line, int column, string reason)
    {
        var e = Assert.Throws<TemplateSyntaxException>(() => ChatTemplate.Parse(template, "template.jinja"));
        Assert.Equal((line, column, reason), (e.Line, e.Column, e.Reason));
        Assert.Equal($"template.jinja:{line}:{column}: {reason}", e.Message);
    }

    [Fact]
    public void Raise_exception_carries_the_template_message()
    {
        var e = Assert.Throws<TemplateRaisedException>(() => Jinja.Render("x\n{{ raise_exception('Bad role: ' ~ role) }}", """{"role": "system"}"""));
        Assert.Equal("Bad role: system", e.Reason);
        Assert.Equal("test.jinja:2:4: Bad role: system", e.Message);
    }

    [Theory]
    [InlineData("{{ undefined_fn() }}", "'undefined_fn' is undefined and cannot be called")]
    [InlineData("{{ 'x'.nomethod() }}", "'nomethod' is undefined and cannot be called")]
    [InlineData("{{ 1 + 'a' }}", "unsupported operand type(s) for +: 'int' and 'str'")]
    [InlineData("{{ nothing + 1 }}", "cannot apply '+' to an undefined value")]
    [InlineData("{% set a.b = 1 %}", "cannot assign attribute on 'a': only namespace() objects take attribute assignment")]
    [InlineData("{{ 1 // 0 }}", "integer division or modulo by zero")]
    [InlineData("{{ 5 < 'a' }}", "'<' not supported between instances of 'int' and 'str'")]
    [InlineData("{% for i in 5 %}{% endfor %}", "'int' object is not iterable")]
    public void Runtime_errors_name_the_problem(string template, string reason)
    {
        var e = Assert.Throws<TemplateRuntimeException>(() => Jinja.Render(template));
        Assert.Equal(reason, e.Reason);
    }

    [Fact]
    public void Runaway_loop_hits_the_iteration_limit()
    {
        var e = Assert.Throws<TemplateLimitException>(() => Jinja.Render("{% for i in range(100000000) %}{% endfor %}"));
        Assert.Contains("loop iteration limit exceeded (1000000 iterations)", e.Message);
    }

    [Fact]
    public void Materialising_a_huge_range_hits_the_iteration_limit()
    {
        Assert.Throws<TemplateLimitException>(() => Jinja.Render("{{ range(100000000)|list|length }}"));
    }

    [Fact]
    public void Nested_loops_share_one_iteration_budget()
    {
        var limits = new TemplateLimits { MaxLoopIterations = 100 };
        // 9 outer + 9 * 8 inner items = 81 <= 100; 10 + 10 * 10 = 110 > 100.
        Assert.Equal(new string('x', 81), Jinja.Render("{% for i in range(9) %}{% for j in range(8) %}x{% endfor %}x{% endfor %}", limits: limits));
        Assert.Throws<TemplateLimitException>(() => Jinja.Render("{% for i in range(10) %}{% for j in range(10) %}x{% endfor %}{% endfor %}", limits: limits));
    }

    [Fact]
    public void Infinite_macro_recursion_hits_the_depth_limit()
    {
        var e = Assert.Throws<TemplateLimitException>(() => Jinja.Render("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}"));
        Assert.Contains("recursion depth limit exceeded (100 nested macro calls)", e.Message);
    }

    [Fact]
    public void Output_size_is_bounded()
    {
        var limits = new TemplateLimits { MaxOutputChars = 1000 };
        Assert.Equal(1000, Jinja.Render("{% for i in range(100) %}0123456789{% endfor %}", limits: limits).Length);
        var e = Assert.Throws<TemplateLimitException>(() => Jinja.Render("{% for i in range(101) %}0123456789{% endfor %}", limits: limits));
        Assert.Contains("output size limit exceeded (1000 chars)", e.Message);
        Assert.Throws<TemplateLimitException>(() => Jinja.Render("{% set s = 'ab' * 100000 %}", limits: limits));
    }

    [Fact]
    public void Errors_are_all_template_exceptions()
    {
        Assert.IsAssignableFrom<TemplateException>(Assert.ThrowsAny<TemplateException>(() => ChatTemplate.Parse("{{")));
    }

    [Fact]
    public void Deeply_nested_templates_fail_cleanly_instead_of_overflowing_the_stack()
    {
        var parens = new string('(', 5000) + "1" + new string(')', 5000);
        var e = Assert.Throws<TemplateSyntaxException>(() => ChatTemplate.Parse("{{ " + parens + " }}"));
        Assert.Contains("nested too deeply", e.Reason);

        var chain = "{{ 1" + string.Concat(Enumerable.Repeat(" + 1", 200_000)) + " }}";
        Assert.Throws<TemplateLimitException>(() => Jinja.Render(chain));
        Assert.Equal("501", Jinja.Render("{{ 1" + string.Concat(Enumerable.Repeat(" + 1", 500)) + " }}"));
    }
}
