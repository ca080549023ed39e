using System.Runtime.InteropServices;

namespace Finetune.Recipes;

/// <summary>
/// What makes an existing path unusable as an input file or folder, said in one phrase: a symbolic link loop,
/// a dangling link, or something that is not a regular file (a device such as <c>/dev/zero</c>, a pipe or a
/// socket: reading one may never end). Missing paths are not reported here; callers say "does not exist".
/// </summary>
public static class PathProblems
{
    private const int TypeMask = 0xF000; // S_IFMT
    private const int RegularFile = 0x8000; // S_IFREG
    private const int Folder = 0x4000; // S_IFDIR
    private const int LinkLoop = 40; // ELOOP on Linux

    /// <summary>Null when <paramref name="path"/> is a regular file, a folder, or missing; else the problem.</summary>
    public static string? Describe(string path)
    {
        FileSystemInfo info = new FileInfo(path);
        if (info.LinkTarget != null)
        {
            try
            {
                var target = File.ResolveLinkTarget(path, returnFinalTarget: true);
                if (target is { Exists: false })
                    return $"is a symbolic link to {target.FullName}, which does not exist";
            }
            catch (IOException)
            {
                return "is a symbolic link loop (following it never reaches a file)";
            }
        }
        return FileType(path) switch
        {
            null or RegularFile or Folder => null,
            _ => "is not a regular file (a device, pipe or socket); give a file or a folder",
        };
    }

    /// <summary>The S_IFMT bits of stat(2) on Linux x64/arm64; null elsewhere, when missing, or when stat is not callable.</summary>
    private static int? FileType(string path)
    {
        var modeOffset = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 24,
            Architecture.Arm64 => 16,
            _ => -1,
        };
        if (!OperatingSystem.IsLinux() || modeOffset < 0)
            return null;
        var buffer = new byte[256];
        try
        {
            if (Stat(path, buffer) != 0)
                return Marshal.GetLastPInvokeError() == LinkLoop ? 0 : null;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
        return BitConverter.ToInt32(buffer, modeOffset) & TypeMask;
    }

#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code in this project; a plain blittable DllImport does the same.
    [DllImport("libc", EntryPoint = "stat64", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] buffer);
#pragma warning restore SYSLIB1054
}
