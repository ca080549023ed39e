namespace Finetune.Text.Tests.Templates;

/// <summary>trim_blocks, lstrip_blocks and the -/+ signs, as HF configures Jinja. Expected strings worked out by hand.</summary>
public sealed class WhitespaceTests
{
    [Fact]
    public void Block_tags_on_their_own_lines_leave_no_trace()
    {
        // lstrip_blocks removes the indentation before {% %}, trim_blocks the newline after it.
        Assert.Equal("a\n  b\nc", Jinja.Render("a\n  {% if true %}\n  b\n  {% endif %}\nc\n"));
    }

    [Fact]
    public void Lstrip_only_applies_when_the_tag_starts_the_line()
    {
        // Text before the tag on the same line keeps its spaces; the newline after %} still goes.
        Assert.Equal("a  x  ", Jinja.Render("a  {% if true %}x{% endif %}  \n"));
    }

    [Fact]
    public void Expressions_are_not_affected_by_trim_or_lstrip()
    {
        Assert.Equal("  1\n  2\n", Jinja.Render("{% for i in [1,2] %}\n  {{ i }}\n{% endfor %}\n"));
    }

    [Fact]
    public void Minus_signs_strip_all_whitespace_including_newlines()
    {
        Assert.Equal("  vy\nz", Jinja.Render("  {{ 'v' }}  \n  {%- if true -%}  \n  y  \n  {%- endif %}\n\nz"));
        Assert.Equal("xy  ", Jinja.Render("{{- '  x  '|trim -}}   {{- 'y' }}  \n"));
    }

    [Fact]
    public void Plus_sign_disables_lstrip_and_trim()
    {
        Assert.Equal("\tA\nB\nC", Jinja.Render("{%- if true %}\n\tA\n{%+ if true %}B{% endif +%}\nC\n{%- endif -%}"));
    }

    [Fact]
    public void Comments_follow_the_block_rules()
    {
        // Not at line start: spaces kept, newline after #} trimmed. On its own line: nothing left.
        Assert.Equal("x y", Jinja.Render("x {# comment #}\n  {# own line #}\ny\n"));
    }

    [Fact]
    public void Windows_newlines_are_normalised_and_one_trailing_newline_dropped()
    {
        Assert.Equal("a\nb\nc\n", Jinja.Render("a\r\nb\r\n{% if true %}\r\nc\r\n{% endif %}\r\n"));
        Assert.Equal("x\n", Jinja.Render("x\n\n"));
    }

    [Fact]
    public void Only_the_first_newline_after_a_block_is_removed()
    {
        Assert.Equal("\n\n", Jinja.Render("\n{% if true %}\n\n{% endif %}\n\n"));
    }

    [Fact]
    public void Raw_blocks_keep_their_body_as_text()
    {
        // As Jinja: lstrip before both tags, no trim after "raw %}", trim after "endraw %}".
        Assert.Equal("a\n\n  {{ x }}\nb", Jinja.Render("a\n  {% raw %}\n  {{ x }}\n  {% endraw %}\nb"));
        Assert.Equal("x ", Jinja.Render("{%- raw -%}  x {% endraw %}"));
        Assert.Equal("x y  z", Jinja.Render("x  {%- raw %} y  {%- endraw %}  z"));
        Assert.Equal("{% if %}{{", Jinja.Render("{% raw %}{% if %}{{{% endraw %}"));
    }
}
