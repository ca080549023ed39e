using System.Text;
using Finetune.Pipeline.Data;
using Finetune.Testing;

namespace Finetune.Pipeline.Tests.Data;

/// <summary>Runs alone (<see cref="StreamingMemoryCollection"/>): it measures the whole process's managed heap.</summary>
[Collection(nameof(StreamingMemoryCollection))]
public sealed class StreamingMemoryTests
{
    private const long AllowedGrowth = 8 << 20;

    [Theory]
    [InlineData("big.jsonl", 80_000)]
    [InlineData("big.csv", 20_000)]
    [InlineData("big.json", 20_000)]
    public void Reading_a_large_file_keeps_the_managed_heap_flat(string name, int rows)
    {
        var path = Path.Combine(TestPaths.NewTempDir("big"), name);
        try
        {
            Write(path, rows);
            Assert.True(new FileInfo(path).Length > rows * 500L, "the file should be large");

            var baseline = GC.GetTotalMemory(forceFullCollection: true);
            long peak = 0, count = 0;
            foreach (var row in DatasetReader.Open(path))
            {
                count++;
                if (count % (rows / 4) == 0)
                    peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - baseline);
                Assert.Equal(count, row.Row);
            }

            Assert.Equal(rows, count);
            Assert.True(peak < AllowedGrowth, $"managed heap grew by {peak / (1 << 20)} MiB while streaming");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Reading_a_large_parquet_file_holds_one_row_group_at_a_time()
    {
        var path = Path.Combine(TestPaths.NewTempDir("big"), "big.parquet");
        try
        {
            var filler = string.Concat(Enumerable.Repeat("Lily and Tom play ball in the park. ", 16));
            var rows = Enumerable.Range(0, 40_000).Select(i => new ParquetRowReaderTests.Example { Instruction = $"{i} {filler}", Answer = i });
            await Parquet.Serialization.ParquetSerializer.SerializeAsync(rows, path, new Parquet.ParquetOptions { RowGroupSize = 1000 });

            var baseline = GC.GetTotalMemory(forceFullCollection: true);
            long peak = 0, count = 0;
            foreach (var row in DatasetReader.Open(path))
            {
                Assert.Equal(count, row.Values["answer"]!.GetValue<long>());
                if (++count % 10_000 == 0)
                    peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - baseline);
            }

            Assert.Equal(40_000, count);
            Assert.True(peak < AllowedGrowth, $"managed heap grew by {peak / (1 << 20)} MiB while streaming");
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Rows of about 650 bytes, in the file's format.</summary>
    private static void Write(string path, int rows)
    {
        var filler = string.Concat(Enumerable.Repeat("Lily and Tom play ball in the park. ", 16));
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        var format = DatasetReader.FormatOf(path);
        if (format == DataFormat.Csv)
            writer.Write("id,text,answer\n");
        if (format == DataFormat.Json)
            writer.Write("[\n");
        for (var i = 0; i < rows; i++)
        {
            writer.Write(format switch
            {
                DataFormat.Csv => $"{i},\"{filler}\"\"{i}\"\"\",{i % 21}\n",
                _ => $"{{\"id\": {i}, \"text\": \"{filler}{i}\", \"answer\": \"{i % 21}\"}}",
            });
            if (format == DataFormat.Json)
                writer.Write(i + 1 < rows ? ",\n" : "\n]\n");
            else if (format == DataFormat.JsonLines)
                writer.Write('\n');
        }
    }
}
