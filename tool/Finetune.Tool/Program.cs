using Finetune.Tool;

Finetune.Torch.TorchThreads.PreferSleepingWorkers();   // before libtorch loads: workers sleep rather than spin on shared cores
return await CliApp.RunAsync(args);
