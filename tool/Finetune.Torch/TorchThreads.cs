using System.Runtime.InteropServices;

namespace Finetune.Torch;

/// <summary>
/// How libtorch's OpenMP workers wait. By default GNU OpenMP spins for a while between parallel regions,
/// which on a machine whose cores are shared with other work burns the cores the other work needs and
/// slows both by an order of magnitude. Sleeping workers cost a little wake-up latency on a quiet machine.
/// The setting must reach the process environment before libtorch (and its libgomp) loads; a value the
/// user set is kept.
/// </summary>
public static partial class TorchThreads
{
    public const string WaitPolicy = "OMP_WAIT_POLICY";

    /// <summary>Sets <c>OMP_WAIT_POLICY=PASSIVE</c> in the native environment unless it is already set; call before any torch use.</summary>
    public static void PreferSleepingWorkers()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(WaitPolicy) != null) return;
        _ = SetEnv(WaitPolicy, "PASSIVE", 0);      // .NET's SetEnvironmentVariable does not reach native getenv
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
