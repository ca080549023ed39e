using Finetune.Pipeline;
using Finetune.Text.Templates;

namespace Finetune.Tool.Tests;

public sealed class UserErrorsTests
{
    [Fact]
    public void Bad_input_types_give_one_line_and_subclasses_count()
    {
        Assert.Equal("a: b c", UserErrors.Describe(new PipelineException("a: b\nc")));
        Assert.NotNull(UserErrors.Describe(new TemplateSyntaxException("x", "t", 1, 2))); // a TemplateException
        Assert.Equal("gone", UserErrors.Describe(new FileNotFoundException("gone")));
    }

    [Fact]
    public void A_full_disk_while_writing_is_the_machine_saying_no_not_a_bug()
    {
        // What .NET throws for ENOSPC on write: a plain System.IO.IOException naming the path. With the store's
        // write-then-rename (PipelineEngineTests.A_stage_that_fails_mid_write_leaves_no_entry_and_no_temp_folder)
        // this is exit 1 with one line and nothing half-written.
        Assert.Equal("No space left on device : '/s/map/.tmp-1/train.ids.bin'",
            UserErrors.Describe(new IOException("No space left on device : '/s/map/.tmp-1/train.ids.bin'", 28)));
        Assert.Null(UserErrors.Describe(new EndOfStreamException("a reader of ours ran past its data: a bug")));
    }

    [Fact]
    public void Any_other_type_is_a_bug_whatever_its_namespace()
    {
        Assert.Null(UserErrors.Describe(new InvalidOperationException("bug")));
        Assert.Null(UserErrors.Describe(new OurBugException()));
    }

    private sealed class OurBugException() : Exception("a Finetune.* type that is not bad input");
}
