using System.Text.Json.Nodes;
using Finetune.Text.Templates;

namespace Finetune.Text.Tests.Templates;

/// <summary>
/// The sandbox checks sizes before it allocates, walks nested values only so deep, and stops when cancelled:
/// each case below once took the process down (stack overflow, GBs allocated, OutOfMemoryException, a
/// wrapped width) and now ends in a <see cref="TemplateLimitException"/> naming the place in the template.
/// </summary>
public sealed class SandboxTests
{
    /// <summary>The managed bytes allocated on this thread while <paramref name="action"/> ran.</summary>
    private static long AllocatedBy(Action action)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Theory]
    [InlineData("{{ 'x'|center(1000000000) }}")]
    [InlineData("{{ 'x'|center(2147483647) }}")]
    [InlineData("{{ 'x'|center(4000000000) }}")]
    [InlineData("{{ 'x'|center(9223372036854775807) }}")]
    [InlineData("{{ 'a\nb'|indent(1000000000) }}")]
    [InlineData("{{ 'a\nb'|indent(4000000000) }}")]
    [InlineData("{{ ('\n' * 1000)|indent(100000, blank=true) }}")]
    [InlineData("{{ 'x' * 4000000000 }}")]
    [InlineData("{{ 'x' * 9223372036854775807 }}")]
    [InlineData("{{ ('x' * 1000000)|replace('x', 'yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy') }}")]
    [InlineData("{{ ('x' * 1000000).replace('', 'yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy') }}")]
    [InlineData("{{ ('<' * 5000000)|e }}")]
    [InlineData("{{ [1] * 4000000000 }}")]
    [InlineData("{{ 'x'|tojson(indent=4000000000) }}")]
    public void Oversized_strings_and_lists_fail_before_they_are_allocated(string template)
    {
        TemplateLimitException? e = null;
        var bytes = AllocatedBy(() => e = Assert.Throws<TemplateLimitException>(() => Jinja.Render(template)));
        Assert.Matches(@"^test\.jinja:\d+:\d+: (output|list) size limit exceeded", e!.Message);
        Assert.True(bytes < 64L << 20, $"{bytes:N0} bytes allocated before the limit fired");
    }

    [Fact]
    public void Growing_replace_in_a_loop_stops_at_the_output_limit()
    {
        var template = "{% set ns = namespace(s='ab') %}{% for i in range(100) %}{% set ns.s = ns.s.replace('a', 'aaaa') %}{% endfor %}";
        var e = Assert.Throws<TemplateLimitException>(() => Jinja.Render(template));
        Assert.Contains("output size limit exceeded", e.Message);
    }

    [Fact]
    public void A_list_doubled_through_a_namespace_stops_at_the_list_limit()
    {
        var template = "{% set ns = namespace(l=[1]) %}{% for i in range(30) %}{% set ns.l = ns.l + ns.l %}{% endfor %}{{ ns.l|length }}";
        TemplateLimitException? e = null;
        var bytes = AllocatedBy(() => e = Assert.Throws<TemplateLimitException>(() => Jinja.Render(template)));
        Assert.Contains("list size limit exceeded (1000000 items)", e!.Message);
        Assert.True(bytes < 256L << 20, $"{bytes:N0} bytes allocated");
        // 2^19 = 524,288 items is within the limit.
        Assert.Equal("524288", Jinja.Render(template.Replace("range(30)", "range(19)")));
    }

    [Fact]
    public void Printing_many_copies_of_a_big_string_stops_at_the_output_limit()
    {
        var template = "{% set s = 'x' * 1000000 %}{% set l = [s] * 100 %}{{ l }}";
        Assert.Throws<TemplateLimitException>(() => Jinja.Render(template));
        Assert.Throws<TemplateLimitException>(() => Jinja.Render(template.Replace("{{ l }}", "{{ l|tojson }}")));
        Assert.Throws<TemplateLimitException>(() => Jinja.Render(template.Replace("{{ l }}", "{{ l|join(',') }}")));
    }

    private const string Deep = "{% set ns = namespace(x=[]) %}{% for i in range(100000) %}{% set ns.x = [ns.x] %}{% endfor %}";

    [Theory]
    [InlineData("{{ ns.x|tojson }}")]
    [InlineData("{{ ns.x }}")]
    [InlineData("{{ ns.x|string }}")]
    [InlineData("{{ ns.x == ns.x }}")]
    [InlineData("{{ ns.x < ns.x }}")]
    [InlineData("{{ ns.x in [ns.x] }}")]
    public void Walking_a_100000_deep_value_is_refused_not_a_stack_overflow(string use)
    {
        var e = Assert.Throws<TemplateLimitException>(() => Jinja.Render(Deep + use));
        Assert.Contains("value nested too deeply (more than 512 levels", e.Message);
    }

    [Fact]
    public void Values_nested_within_the_limit_still_print_and_compare()
    {
        var template = "{% set ns = namespace(x=[]) %}{% for i in range(500) %}{% set ns.x = [ns.x] %}{% endfor %}{{ (ns.x|tojson)|length }} {{ ns.x == ns.x }}";
        Assert.Equal("1002 True", Jinja.Render(template)); // 501 '[' and 501 ']'
    }

    [Theory]
    [InlineData("{{ 1 ** 10000000000000 }}", "1")]
    [InlineData("{{ (-1) ** 10000000000001 }}", "-1")]
    [InlineData("{{ 0 ** 10000000000000 }}", "0")]
    [InlineData("{{ 2 ** 62 }}", "4611686018427387904")]
    [InlineData("{{ 3 ** 5 }}", "243")]
    [InlineData("{{ 2.5|round(9223372036854775807) }}", "2.5")]
    public void Huge_exponents_and_precisions_are_instant_and_exact(string template, string expected)
    {
        Assert.Equal(expected, Jinja.Render(template));
    }

    [Fact]
    public void Integer_overflow_is_an_error_not_a_wrap()
    {
        var e = Assert.Throws<TemplateRuntimeException>(() => Jinja.Render("{{ 2 ** 64 }}"));
        Assert.Contains("integer overflow", e.Message);
    }

    [Fact]
    public void A_cancelled_render_stops_inside_its_loop()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var context = TemplateContext.FromJson(new JsonObject());
        context.Cancellation = cancel.Token;
        context.Limits = new TemplateLimits { MaxLoopIterations = long.MaxValue };
        var template = ChatTemplate.Parse("{% for i in range(1000000000000) %}{% endfor %}", "t.jinja");
        Assert.Throws<OperationCanceledException>(() => template.Render(context));
    }

    [Fact]
    public void Render_messages_passes_its_cancellation_on()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var template = ChatTemplate.Parse("{% for m in messages %}{{ m.content }}{% endfor %}", "t.jinja");
        var message = new Dictionary<string, object?> { ["role"] = "user", ["content"] = "hi" };
        Assert.Throws<OperationCanceledException>(() => template.RenderMessages([message], cancellation: cancel.Token));
    }
}
