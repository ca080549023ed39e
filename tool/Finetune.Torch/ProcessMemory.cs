namespace Finetune.Torch;

/// <summary>This process's peak resident memory, as the kernel counts it (VmHWM in /proc/self/status).</summary>
public static class ProcessMemory
{
    /// <summary>Bytes, or null where /proc is not there (not Linux).</summary>
    public static long? PeakRssBytes()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return null;
        foreach (var line in File.ReadLines(status))
        {
            if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
            var parts = line["VmHWM:".Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture) * 1024; // the kernel writes kB
        }
        return null;
    }
}
