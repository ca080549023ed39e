using Finetune.Recipes;
using static TorchSharp.torch;

namespace Finetune.Pipeline.Stages;

/// <summary>Where and in what type a stage computes: <c>model.device</c> and <c>train.precision</c> as torch values.</summary>
public static class Placement
{
    /// <summary><c>model.device: auto</c> picks CUDA when present; <c>cuda</c> without a CUDA device is an error.</summary>
    public static Device DeviceOf(ModelDevice device) => device switch
    {
        ModelDevice.Cuda => cuda_is_available() ? CUDA : throw new PipelineException("model.device is cuda but no CUDA device is available (build with -p:TorchBackend=cuda on a machine with a GPU, or use device: auto)"),
        ModelDevice.Cpu => CPU,
        _ => cuda_is_available() ? CUDA : CPU,
    };

    /// <summary><c>train.precision: auto</c> is bf16 on CUDA, fp32 on CPU.</summary>
    public static ScalarType DTypeOf(TrainPrecision precision, Device device) => precision switch
    {
        TrainPrecision.Fp32 => ScalarType.Float32,
        TrainPrecision.Bf16 => ScalarType.BFloat16,
        _ => device.type == TorchSharp.DeviceType.CUDA ? ScalarType.BFloat16 : ScalarType.Float32,
    };
}
