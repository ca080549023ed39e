namespace Finetune.Torch;

/// <summary>This process's peak resident memory, as the kernel counts it (VmHWM in /proc/self/status).</summary>
public static class ProcessMemory
{
    /// <summary>Peak resident bytes so far (VmHWM), or null where /proc is not there (not Linux).</summary>
    public static long? PeakRssBytes() => Status("VmHWM:");

    /// <summary>Resident bytes now (VmRSS), or null where /proc is not there (not Linux).</summary>
    public static long? CurrentRssBytes() => Status("VmRSS:");

    private static long? Status(string field)
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return null;
        foreach (var line in File.ReadLines(status))
        {
            if (!line.StartsWith(field, StringComparison.Ordinal)) continue;
            var parts = line[field.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture) * 1024; // the kernel writes kB
        }
        return null;
    }
}
