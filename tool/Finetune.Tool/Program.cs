using Finetune.Tool;

return await CliApp.RunAsync(args);
