namespace Finetune.Recipes.Tests;

/// <summary>The string-valued types with their own syntax: train.save and export.max_shard_size.</summary>
public sealed class RecipeScalarTests
{
    [Theory]
    [InlineData("epoch", null, false)]
    [InlineData("end", null, true)]
    [InlineData("steps 500", 500, false)]
    public void Save_schedules_parse(string text, int? steps, bool atEnd)
    {
        Assert.True(SaveSchedule.TryParse(text, out var value, out _));
        Assert.Equal(steps, value!.EverySteps);
        Assert.Equal(atEnd, value.OnlyAtEnd);
        Assert.Equal(text, value.ToString());
    }

    [Theory]
    [InlineData("steps")]
    [InlineData("steps -5")]
    [InlineData("steps 1.5")]
    [InlineData("Epoch")]
    public void Bad_save_schedules_do_not_parse(string text)
    {
        Assert.False(SaveSchedule.TryParse(text, out _, out _));
    }

    [Theory]
    [InlineData("5GB", 5_000_000_000L, "5GB")]
    [InlineData("500MB", 500_000_000L, "500MB")]
    [InlineData("2GiB", 2_147_483_648L, "2GiB")]
    [InlineData("1024 MiB", 1_073_741_824L, "1GiB")]
    [InlineData("1500KB", 1_500_000L, "1500KB")]
    [InlineData("7B", 7L, "7B")]
    public void Byte_sizes_parse_and_print_in_the_largest_exact_unit(string text, long bytes, string canonical)
    {
        Assert.True(ByteSize.TryParse(text, out var value, out _));
        Assert.Equal(bytes, value!.Bytes);
        Assert.Equal(canonical, value.ToString());
    }

    [Theory]
    [InlineData("0GB")]
    [InlineData("5gb")]
    [InlineData("1.5GB")]
    [InlineData("99999999999999999TB")]
    public void Bad_byte_sizes_do_not_parse(string text)
    {
        Assert.False(ByteSize.TryParse(text, out _, out _));
    }
}
