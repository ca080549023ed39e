namespace Finetune.Text.Gguf;

/// <summary>
/// ggml's Q8_0 blocks: 32 values as one fp16 scale <c>d = amax / 127</c> and 32 int8 <c>q = round(x / d)</c>
/// (34 bytes), bit for bit as ggml's <c>quantize_row_q8_0_ref</c>: the scale is computed in float32, the values
/// are multiplied by the float32 reciprocal <c>1/d</c> (0 when d is 0) and rounded half away from zero, and only
/// the stored scale is rounded to fp16 (to nearest even).
/// </summary>
public static class GgufQ8
{
    public const int BlockSize = 32;
    public const int BlockBytes = 2 + BlockSize;

    public static void Quantize(ReadOnlySpan<float> values, Span<byte> blocks)
    {
        if (values.Length % BlockSize != 0 || blocks.Length != values.Length / BlockSize * BlockBytes)
            throw new ArgumentException($"Q8_0 needs a multiple of {BlockSize} values and {BlockBytes} bytes per block");
        for (int b = 0; b < values.Length / BlockSize; b++)
        {
            var x = values.Slice(b * BlockSize, BlockSize);
            var block = blocks.Slice(b * BlockBytes, BlockBytes);
            float amax = 0f;
            foreach (var v in x) amax = MathF.Max(amax, MathF.Abs(v));
            float d = amax / 127f;
            float id = d != 0f ? 1f / d : 0f;
            BitConverter.TryWriteBytes(block, (Half)d);
            for (int j = 0; j < BlockSize; j++)
                block[2 + j] = (byte)(sbyte)MathF.Round(x[j] * id, MidpointRounding.AwayFromZero);
        }
    }

    /// <summary>ggml's <c>dequantize_row_q8_0</c>: <c>x = q * (float)d</c>.</summary>
    public static void Dequantize(ReadOnlySpan<byte> blocks, Span<float> values)
    {
        if (values.Length % BlockSize != 0 || blocks.Length != values.Length / BlockSize * BlockBytes)
            throw new ArgumentException($"Q8_0 needs a multiple of {BlockSize} values and {BlockBytes} bytes per block");
        for (int b = 0; b < values.Length / BlockSize; b++)
        {
            var block = blocks.Slice(b * BlockBytes, BlockBytes);
            float d = (float)BitConverter.ToHalf(block);
            for (int j = 0; j < BlockSize; j++)
                values[b * BlockSize + j] = (sbyte)block[2 + j] * d;
        }
    }
}
