using Mpc.Party.Commands;
using Mpc.Party.Jobs;
using Mpc.Party.Launch;

StartupTimings.MarkMain();

var root = MpcCommandLine.Build(JobRegistry.CreateDefault(), Console.Out, Console.Error);
return await root.Parse(args).InvokeAsync();
