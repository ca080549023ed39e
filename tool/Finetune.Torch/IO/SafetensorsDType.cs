using TorchSharp;

namespace Finetune.Torch.IO;

/// <summary>The safetensors dtype names, their element sizes and the torch types we read or write.</summary>
public static class SafetensorsDType
{
    /// <summary>Bytes per element for every dtype the format defines (validation covers all of them).</summary>
    public static int? SizeOf(string dtype) => dtype switch
    {
        "BOOL" or "U8" or "I8" or "F8_E5M2" or "F8_E4M3" => 1,
        "I16" or "U16" or "F16" or "BF16" => 2,
        "I32" or "U32" or "F32" => 4,
        "I64" or "U64" or "F64" => 8,
        _ => null,
    };

    /// <summary>The torch type a stored dtype loads as; null when we do not read it.</summary>
    public static torch.ScalarType? ToTorch(string dtype) => dtype switch
    {
        "F32" => torch.ScalarType.Float32,
        "F16" => torch.ScalarType.Float16,
        "BF16" => torch.ScalarType.BFloat16,
        "I64" => torch.ScalarType.Int64,
        _ => null,
    };

    /// <summary>The stored name of a torch type we write.</summary>
    public static string FromTorch(torch.ScalarType type) => type switch
    {
        torch.ScalarType.Float32 => "F32",
        torch.ScalarType.Float16 => "F16",
        torch.ScalarType.BFloat16 => "BF16",
        torch.ScalarType.Int64 => "I64",
        _ => throw new ArgumentException($"safetensors writing supports F32, F16, BF16 and I64, not {type}"),
    };

    /// <summary>
    /// The order of safetensors' own writer: larger alignment first (its Rust <c>Dtype</c> enum order,
    /// descending), then by name.
    /// </summary>
    public static int AlignmentRank(string dtype) => dtype switch
    {
        "BOOL" => 0, "U8" => 1, "I8" => 2, "F8_E5M2" => 3, "F8_E4M3" => 4, "I16" => 5, "U16" => 6,
        "F16" => 7, "BF16" => 8, "I32" => 9, "U32" => 10, "F32" => 11, "F64" => 12, "I64" => 13, "U64" => 14,
        _ => -1,
    };
}
