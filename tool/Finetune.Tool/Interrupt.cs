namespace Finetune.Tool;

/// <summary>
/// Ctrl-C (SIGINT) for the whole process: the first one cancels <see cref="Token"/>, which every long loop checks,
/// so the command unwinds (temp folders removed, the store lock released) and <see cref="Exit"/> prints one line,
/// <c>interrupted</c>, for exit 130. Work that has not stopped after <see cref="Grace"/> (a long native call), or
/// a second Ctrl-C, ends the process at once with exit 130: the store stays consistent even then, because an entry
/// becomes visible only by a rename after it is whole, and the OS releases the lock of a process that is gone.
/// </summary>
/// <param name="terminal">stderr is a terminal: the line first clears what is there (a live progress bar, the echoed ^C)</param>
public sealed class Interrupt(TextWriter stderr, bool terminal) : IDisposable
{
    /// <summary>How long cancelled work may take to unwind before the process is ended without it.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(3);

    private static int s_idle;

    private readonly CancellationTokenSource _cancel = new();
    private readonly object _gate = new();
    private Timer? _watchdog;
    private bool _said;

    public CancellationToken Token => _cancel.Token;

    public bool Requested => _cancel.IsCancellationRequested;

    /// <summary>For <see cref="Console.CancelKeyPress"/>: keeps the process alive and cancels the work (the second time, ends it).</summary>
    public void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        e.Cancel = true;
        if (Volatile.Read(ref s_idle) > 0)
        {
            _cancel.Cancel();
            End("interrupted");
            return;
        }
        lock (_gate)
        {
            if (_watchdog is null)
            {
                _watchdog = new Timer(_ => End($"interrupted (the work did not stop within {Grace.TotalSeconds:0} s; ended without it: `dotnet finetune cache gc` removes what it left)"),
                    null, Grace, Timeout.InfiniteTimeSpan);
                _cancel.Cancel();
                return;
            }
        }
        End("interrupted");
    }

    /// <summary>
    /// Marks a wait with nothing to clean up, which no token can stop (reading the next chat prompt from the console):
    /// a Ctrl-C during it ends the process at once, with the same line and exit code. Dispose ends the wait.
    /// </summary>
    public static IDisposable Idle()
    {
        Interlocked.Increment(ref s_idle);
        return new IdleWait();
    }

    private sealed class IdleWait : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) Interlocked.Decrement(ref s_idle);
        }
    }

    /// <summary>The cancelled command has unwound: one line on stderr, and the exit code.</summary>
    public int Exit()
    {
        Say("interrupted");
        return CliApp.Interrupted;
    }

    private void End(string line)
    {
        Say(line);
        Environment.Exit(CliApp.Interrupted);
    }

    private void Say(string line)
    {
        lock (_gate)
        {
            if (_said) return;
            _said = true;
            stderr.WriteLine(terminal ? $"\r\u001b[K{line}" : line);
            stderr.Flush();
        }
    }

    public void Dispose()
    {
        _watchdog?.Dispose();
        _cancel.Dispose();
    }
}
