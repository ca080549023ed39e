using Finetune.Tool;

Finetune.Torch.NativeRuntime.PreferSleepingWorkers();   // before libtorch loads: workers sleep rather than spin on shared cores
Finetune.Torch.NativeRuntime.ReturnFreedTensorMemory(); // large tensors' memory goes back to the system when freed
return await CliApp.RunAsync(args);
