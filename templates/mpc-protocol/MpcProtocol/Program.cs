using Mpc.Hosting;
using MpcProtocol;

// Run it: dotnet run -- launch --cluster <cluster.json> run [--arg VALUE]   (mpc init --parties 3 --out cluster writes one)
return await MpcHost.RunAsync(args, new SalariesProgram());
