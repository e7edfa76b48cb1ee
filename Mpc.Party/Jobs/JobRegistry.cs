namespace Mpc.Party.Jobs;

/// <summary>The jobs the <c>mpc</c> executable offers. Later issues add theirs in <see cref="CreateDefault"/>.</summary>
public sealed class JobRegistry
{
    private readonly List<IJob> _jobs = [];

    /// <summary>The registered jobs in registration order.</summary>
    public IReadOnlyList<IJob> Jobs => _jobs;

    /// <summary>Adds a job; names must be unique.</summary>
    public JobRegistry Add(IJob job)
    {
        if (_jobs.Any(j => j.Name == job.Name))
            throw new ArgumentException($"A job named '{job.Name}' is already registered.", nameof(job));
        _jobs.Add(job);
        return this;
    }

    /// <summary>Every built-in job.</summary>
    public static JobRegistry CreateDefault() => new JobRegistry()
        .Add(new PingJob())
        .Add(new SelfTestJob())
        .Add(new RunExampleJob())
        .Add(new BenchMulJob())
        .Add(new BenchCompareJob())
        .Add(new BenchTriplesJob())
        .Add(new BenchOtJob())
        .Add(new BenchGarbleJob())
        .Add(new BenchAesJob())
        .Add(new CircuitJob())
        .Add(new BenchSyntaxJob())
        .Add(new StatsJob())
        .Add(new TrainLinearJob())
        .Add(new PredictJob())
        .Add(new PsiJob())

        .Add(new TrainLrJob())
        .Add(new PreprocessJob());
}
