using System.Globalization;
using System.Text;

namespace Finetune.Text.Templates;

/// <summary>Python's <c>datetime.strftime</c> in the C locale, including glibc's <c>%-d</c> (no padding) form.</summary>
internal static class PyStrftime
{
    private static readonly string[] Days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

    private static readonly string[] Months =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    public static string Format(DateTimeOffset t, string format)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length)
            {
                sb.Append(format[i]);
                continue;
            }
            var noPad = format[i + 1] == '-' && i + 2 < format.Length;
            var code = format[noPad ? i + 2 : i + 1];
            var field = Field(t, code);
            if (field == null)
            {
                sb.Append(format, i, noPad ? 3 : 2);
            }
            else
            {
                sb.Append(noPad && field.Length > 1 ? TrimPad(field) : field);
            }
            i += noPad ? 2 : 1;
        }
        return sb.ToString();
    }

    private static string TrimPad(string field)
    {
        var trimmed = field.TrimStart('0', ' ');
        return trimmed.Length == 0 ? "0" : trimmed;
    }

    private static string? Field(DateTimeOffset t, char code)
    {
        var inv = CultureInfo.InvariantCulture;
        var hour12 = t.Hour % 12 == 0 ? 12 : t.Hour % 12;
        return code switch
        {
            'a' => Days[(int)t.DayOfWeek][..3],
            'A' => Days[(int)t.DayOfWeek],
            'b' or 'h' => Months[t.Month - 1][..3],
            'B' => Months[t.Month - 1],
            'd' => t.Day.ToString("00", inv),
            'e' => t.Day.ToString(inv).PadLeft(2),
            'm' => t.Month.ToString("00", inv),
            'y' => (t.Year % 100).ToString("00", inv),
            'Y' => t.Year.ToString(inv),
            'H' => t.Hour.ToString("00", inv),
            'I' => hour12.ToString("00", inv),
            'M' => t.Minute.ToString("00", inv),
            'S' => t.Second.ToString("00", inv),
            'f' => (t.Ticks % TimeSpan.TicksPerSecond / 10).ToString("000000", inv),
            'p' => t.Hour < 12 ? "AM" : "PM",
            'j' => t.DayOfYear.ToString("000", inv),
            'w' => ((int)t.DayOfWeek).ToString(inv),
            'u' => (t.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)t.DayOfWeek).ToString(inv),
            'z' or 'Z' => "", // HF calls strftime on a naive datetime.now(): no zone
            'D' => $"{t.Month:00}/{t.Day:00}/{t.Year % 100:00}",
            'F' => $"{t.Year:0000}-{t.Month:00}-{t.Day:00}",
            'T' => $"{t.Hour:00}:{t.Minute:00}:{t.Second:00}",
            'R' => $"{t.Hour:00}:{t.Minute:00}",
            'c' => $"{Days[(int)t.DayOfWeek][..3]} {Months[t.Month - 1][..3]} {t.Day,2} {t.Hour:00}:{t.Minute:00}:{t.Second:00} {t.Year}",
            'x' => $"{t.Month:00}/{t.Day:00}/{t.Year % 100:00}",
            'X' => $"{t.Hour:00}:{t.Minute:00}:{t.Second:00}",
            'U' => ((t.DayOfYear + 6 - (int)t.DayOfWeek) / 7).ToString("00", inv),
            'W' => ((t.DayOfYear + 6 - ((int)t.DayOfWeek + 6) % 7) / 7).ToString("00", inv),
            '%' => "%",
            'n' => "\n",
            't' => "\t",
            _ => null,
        };
    }
}
