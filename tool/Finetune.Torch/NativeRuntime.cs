using System.Runtime.InteropServices;

namespace Finetune.Torch;

/// <summary>
/// Process-wide settings of the native runtime under libtorch, applied once at start-up. By default GNU OpenMP
/// spins for a while between parallel regions, which on a machine whose cores are shared with other work burns the cores the other work needs and
/// slows both by an order of magnitude. Sleeping workers cost a little wake-up latency on a quiet machine.
/// The setting must reach the process environment before libtorch (and its libgomp) loads; a value the
/// user set is kept.
/// </summary>
public static partial class NativeRuntime
{
    public const string WaitPolicy = "OMP_WAIT_POLICY";

    /// <summary>Sets <c>OMP_WAIT_POLICY=PASSIVE</c> in the native environment unless it is already set; call before any torch use.</summary>
    public static void PreferSleepingWorkers()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(WaitPolicy) != null) return;
        _ = SetEnv(WaitPolicy, "PASSIVE", 0);      // .NET's SetEnvironmentVariable does not reach native getenv
    }

    /// <summary>glibc's <c>M_MMAP_THRESHOLD</c> parameter for <c>mallopt</c>.</summary>
    private const int MmapThreshold = -3;

    /// <summary>
    /// Tensors of 1 MiB and more get their own mappings, returned to the system when freed. glibc's default
    /// raises that threshold to 32 MiB as blocks are freed, after which the optimizer's and the loss's
    /// per-chunk temporaries come from heap arenas that keep their pages: a 1B-parameter step then grew the
    /// resident size by 7 GB that nothing used. Call before any torch use.
    /// </summary>
    public static void ReturnFreedTensorMemory()
    {
        if (!OperatingSystem.IsLinux()) return;
        try { _ = MallOpt(MmapThreshold, 1 << 20); }
        catch (EntryPointNotFoundException) { }                // not glibc (musl): its allocator returns large blocks itself
        catch (DllNotFoundException) { }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int parameter, int value);

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
