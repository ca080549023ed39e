namespace Finetune.Text.Tests.Templates;

/// <summary>strftime_now formats the injected clock like Python's datetime.strftime (C locale).</summary>
public sealed class StrftimeTests
{
    // Jinja.FixedNow is Friday 2024-07-26 13:05:09, day 208 of a leap year.
    [Theory]
    [InlineData("%d %b %Y", "26 Jul 2024")]
    [InlineData("%B %m %y", "July 07 24")]
    [InlineData("%H:%M:%S %I %p", "13:05:09 01 PM")]
    [InlineData("%A %a %j %w", "Friday Fri 208 5")]
    [InlineData("%-d/%-m %-H:%-M %%", "26/7 13:5 %")]
    [InlineData("%Y-%m-%d", "2024-07-26")]
    public void Formats_like_python(string format, string expected) =>
        Assert.Equal(expected, Jinja.Render($"{{{{ strftime_now('{format}') }}}}"));

    [Fact]
    public void Pads_single_digit_days()
    {
        var context = Finetune.Text.Templates.TemplateContext.FromJson("{}");
        context.Now = new DateTimeOffset(2024, 9, 5, 8, 0, 0, TimeSpan.Zero);
        Assert.Equal("05 Sep 2024 Thursday", Finetune.Text.Templates.ChatTemplate.Parse("{{ strftime_now('%d %b %Y %A') }}").Render(context).Text);
    }
}
