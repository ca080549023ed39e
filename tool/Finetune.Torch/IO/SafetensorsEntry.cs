namespace Finetune.Torch.IO;

/// <summary>One tensor in a safetensors header. <see cref="Begin"/>/<see cref="End"/> are relative to the data start.</summary>
public sealed record SafetensorsEntry(string Name, string DType, long[] Shape, long Begin, long End)
{
    public long ByteLength => End - Begin;
}
