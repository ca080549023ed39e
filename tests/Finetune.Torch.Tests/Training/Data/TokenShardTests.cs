using Finetune.Testing;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Tests.Training.Data;

public sealed class TokenShardTests
{
    [Fact]
    public void Shard_files_have_the_documented_byte_layout()
    {
        var prefix = Path.Combine(TestPaths.NewTempDir(), "train");
        using (var writer = new TokenShardWriter(prefix))
        {
            writer.Append([1, 258], [0, 1]);
            writer.Append([7, 65536, 2], [0, 0, 1]);
            Assert.Equal(2, writer.RowCount);
            Assert.Equal(5, writer.TokenCount);
            Assert.Equal(2, writer.LossTokenCount);
        }
        // int32 LE ids: 1, 258 = 0x102, 7, 65536 = 0x10000, 2
        Assert.Equal(new byte[] { 1, 0, 0, 0, 2, 1, 0, 0, 7, 0, 0, 0, 0, 0, 1, 0, 2, 0, 0, 0 }, File.ReadAllBytes(prefix + ".ids.bin"));
        Assert.Equal(new byte[] { 0, 1, 0, 0, 1 }, File.ReadAllBytes(prefix + ".mask.bin"));
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0 }, File.ReadAllBytes(prefix + ".offsets.bin"));

        using var shard = TokenShard.Open(prefix);
        Assert.Equal(2, shard.RowCount);
        Assert.Equal(5, shard.TokenCount);
        Assert.Equal(3, shard.LongestRow);
        var (ids, mask) = shard.ReadRow(1);
        Assert.Equal([7, 65536, 2], ids);
        Assert.Equal(new byte[] { 0, 0, 1 }, mask);
    }

    [Fact]
    public void Writer_rejects_a_loss_on_the_first_token_and_bad_mask_values()
    {
        var prefix = Path.Combine(TestPaths.NewTempDir(), "train");
        using var writer = new TokenShardWriter(prefix);
        Assert.Contains("mask[0] must be 0", Assert.Throws<ArgumentException>(() => writer.Append([1, 2], [1, 1])).Message);
        Assert.Contains("0 or 1", Assert.Throws<ArgumentException>(() => writer.Append([1, 2], [0, 2])).Message);
        Assert.Contains("2 ids but 1 mask", Assert.Throws<ArgumentException>(() => writer.Append([1, 2], [0])).Message);
    }

    [Fact]
    public void Offsets_that_go_backwards_are_reported_with_file_and_row()
    {
        var prefix = WriteRaw(ids: [1, 2, 3], mask: [0, 1, 1], offsets: [0, 2, 1, 3]);
        var e = Assert.Throws<TokenShardException>(() => TokenShard.Open(prefix));
        Assert.Equal($"{prefix}.offsets.bin: row 1: offsets not strictly increasing (2 then 1)", e.Message);
    }

    [Fact]
    public void Ids_file_shorter_than_the_offsets_say_is_reported()
    {
        var prefix = WriteRaw(ids: [1, 2], mask: [0, 1, 1], offsets: [0, 3]);
        var e = Assert.Throws<TokenShardException>(() => TokenShard.Open(prefix));
        Assert.Equal($"{prefix}.ids.bin: has 8 bytes but the offsets give 3 tokens (12 bytes)", e.Message);
    }

    [Fact]
    public void Mask_file_of_another_length_is_reported()
    {
        var prefix = WriteRaw(ids: [1, 2, 3], mask: [0, 1], offsets: [0, 3]);
        var e = Assert.Throws<TokenShardException>(() => TokenShard.Open(prefix));
        Assert.Equal($"{prefix}.mask.bin: has 2 bytes but the offsets give 3 tokens", e.Message);
    }

    [Fact]
    public void Offsets_not_starting_at_zero_or_of_odd_size_are_reported()
    {
        var prefix = WriteRaw(ids: [1, 2, 3], mask: [0, 1, 1], offsets: [1, 3]);
        Assert.Equal($"{prefix}.offsets.bin: first offset is 1, not 0", Assert.Throws<TokenShardException>(() => TokenShard.Open(prefix)).Message);
        File.WriteAllBytes(prefix + ".offsets.bin", new byte[12]);
        Assert.StartsWith($"{prefix}.offsets.bin: has 12 bytes", Assert.Throws<TokenShardException>(() => TokenShard.Open(prefix)).Message);
    }

    [Fact]
    public void Missing_file_and_bad_mask_value_name_the_file()
    {
        var prefix = WriteRaw(ids: [1, 2, 3], mask: [0, 1, 5], offsets: [0, 3]);
        using (var shard = TokenShard.Open(prefix))
            Assert.Equal($"{prefix}.mask.bin: row 0: mask value 5 is not 0 or 1", Assert.Throws<TokenShardException>(() => shard.ReadRow(0)).Message);
        File.Delete(prefix + ".ids.bin");
        Assert.StartsWith($"{prefix}.ids.bin: file not found", Assert.Throws<TokenShardException>(() => TokenShard.Open(prefix)).Message);
    }

    private static string WriteRaw(int[] ids, byte[] mask, long[] offsets)
    {
        var prefix = Path.Combine(TestPaths.NewTempDir(), "bad");
        File.WriteAllBytes(prefix + ".ids.bin", ids.SelectMany(BitConverter.GetBytes).ToArray());
        File.WriteAllBytes(prefix + ".mask.bin", mask);
        File.WriteAllBytes(prefix + ".offsets.bin", offsets.SelectMany(BitConverter.GetBytes).ToArray());
        return prefix;
    }
}
