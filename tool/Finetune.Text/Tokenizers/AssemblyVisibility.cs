using System.Runtime.CompilerServices;

// The tokenizer tests check internal pieces (the pre-token splitter) against .NET Regex.
[assembly: InternalsVisibleTo("Finetune.Text.Tests")]
