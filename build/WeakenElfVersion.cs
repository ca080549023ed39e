using System;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Copies an ELF64 shared library and sets VER_FLG_WEAK on the version requirements
/// (.gnu.version_r Vernaux entries) whose names are listed, so the loader accepts an older libstdc++.
/// Only rewrites the destination when its content would change, so incremental builds stay quiet.
/// </summary>
public class FinetuneWeakenGlibcxxRequirement : Task
{
    [Required] public string Source { get; set; } = "";
    [Required] public string Destination { get; set; } = "";
    [Required] public string Versions { get; set; } = "";

    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlgWeak = 0x2;

    public override bool Execute()
    {
        var names = Versions.Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries);
        byte[] elf = File.ReadAllBytes(Source);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F' || elf[4] != 2 || elf[5] != 1)
        {
            Log.LogError("{0}: not a little-endian ELF64 file", Source);
            return false;
        }
        ulong shoff = BitConverter.ToUInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A);
        int shnum = BitConverter.ToUInt16(elf, 0x3C);
        int patched = 0;
        for (int i = 0; i < shnum; i++)
        {
            int sh = checked((int)shoff + i * shentsize);
            if (BitConverter.ToUInt32(elf, sh + 4) != ShtGnuVerneed) continue;
            int offset = checked((int)BitConverter.ToUInt64(elf, sh + 0x18));
            int link = (int)BitConverter.ToUInt32(elf, sh + 0x28);
            int strtab = checked((int)BitConverter.ToUInt64(elf, checked((int)shoff + link * shentsize) + 0x18));
            int vn = offset;
            while (true)
            {
                int count = BitConverter.ToUInt16(elf, vn + 2);
                int aux = vn + (int)BitConverter.ToUInt32(elf, vn + 8);
                for (int a = 0; a < count; a++)
                {
                    string name = ReadString(elf, strtab + (int)BitConverter.ToUInt32(elf, aux + 8));
                    if (names.Contains(name))
                    {
                        ushort flags = BitConverter.ToUInt16(elf, aux + 4);
                        flags |= VerFlgWeak;
                        elf[aux + 4] = (byte)(flags & 0xff);
                        elf[aux + 5] = (byte)(flags >> 8);
                        patched++;
                    }
                    aux += (int)BitConverter.ToUInt32(elf, aux + 12);
                }
                uint next = BitConverter.ToUInt32(elf, vn + 12);
                if (next == 0) break;
                vn += (int)next;
            }
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Destination)!);
        if (!File.Exists(Destination) || !File.ReadAllBytes(Destination).SequenceEqual(elf))
        {
            string temp = Destination + ".tmp";
            File.WriteAllBytes(temp, elf);
            File.Copy(temp, Destination, true);
            File.Delete(temp);
        }
        Log.LogMessage(MessageImportance.Low, "Weakened {0} version requirement(s) in {1}", patched, Destination);
        return true;
    }

    static string ReadString(byte[] data, int start)
    {
        int end = start;
        while (data[end] != 0) end++;
        return Encoding.ASCII.GetString(data, start, end - start);
    }
}
