using System.CommandLine;
using Mpc.Core;
using Mpc.Core.Arithmetic;
using Mpc.Core.Random;
using Mpc.Protocols;

namespace Mpc.Party.Jobs;

/// <summary>
/// <c>selftest</c>: runs every suite operation on inputs derived from a public seed (so each party can compute
/// the plaintext answer) and fails naming the first operation whose opened result is wrong. The multi-process
/// form of the arithmetic contract tests.
/// </summary>
public sealed class SelfTestJob : IJob
{
    /// <inheritdoc />
    public string Name => "selftest";

    /// <inheritdoc />
    public string Description => "Check every suite operation against plaintext on public test inputs.";

    /// <inheritdoc />
    public IReadOnlyList<Option> CreateOptions() =>
    [
        .. SuiteOptions.Create(),
        new Option<int>("--size") { Description = "Vector length.", DefaultValueFactory = _ => 1000 },
        new Option<int>("--seed") { Description = "Public seed of the test inputs.", DefaultValueFactory = _ => 1 },
    ];

    /// <inheritdoc />
    public async Task<int> RunAsync(JobContext context, CancellationToken ct)
    {
        int size = context.GetOption<int>("--size"), seed = context.GetOption<int>("--seed");
        string truncation = SuiteOptions.Truncation(context);
        using var session = await Session.EstablishAsync(context.Network, ct: ct);
        bool malicious = SuiteOptions.Malicious(context);
        int checks = SuiteOptions.Suite(context) switch
        {
            _ when malicious =>
                await CheckAsync(await SuiteOptions.MaliciousShamir(session, context, ct), size, seed, ct),
            "shamir" => await CheckAsync(SuiteOptions.Shamir(session, context), size, seed, ct),
            "replicated" => await CheckAsync(SuiteOptions.Replicated(session, truncation), size, seed, ct),
            _ => await CheckAsync(SuiteOptions.Additive(session, SuiteOptions.Preprocessing(session, context), context), size, seed, ct),
        };
        context.Out.WriteLine(
            $"selftest ({SuiteOptions.Suite(context)}{(malicious ? ", malicious" : "")}, {session.PartyCount} parties, {size} elements): " +
            $"{checks} checks passed");
        return 0;
    }

    private static async Task<int> CheckAsync<T>(IArithmeticSuite<T> suite, int size, int seed, CancellationToken ct)
        where T : unmanaged, IRing<T>
    {
        int n = suite.Session.PartyCount, checks = 0;
        var key = new byte[16];
        BitConverter.TryWriteBytes(key, seed);
        using var prg = new AesCtrPrg(key);
        var x = prg.NextUniformArray<T>(size);
        var y = prg.NextUniformArray<T>(size);
        var small = new T[size];
        for (int i = 0; i < size; i++) small[i] = T.FromInt64((long)(prg.NextUInt64() >> 24) - (1L << 39)); // 40-bit signed

        void Check(string what, bool ok)
        {
            checks++;
            if (!ok) throw new MpcException($"selftest: {suite.Name} {what} opened to a wrong result.");
        }

        var sx = await suite.InputAsync(0, x, size, ct);
        var sy = await suite.InputAsync(n - 1, y, size, ct);
        Check("input and open", (await suite.OpenAsync(sx, ct)).AsSpan().SequenceEqual(x));

        var sum = await suite.OpenAsync(suite.Add(sx, sy), ct);
        Check("addition", Enumerable.Range(0, size).All(i => sum[i] == x[i] + y[i]));

        var product = await suite.OpenAsync(await suite.MultiplyAsync(sx, sy, ct), ct);
        Check("multiplication", Enumerable.Range(0, size).All(i => product[i] == x[i] * y[i]));

        int rows = Math.Max(1, size / 100), inner = Math.Min(size, 100) / 2 * 2 / 2, columns = 2;
        var a = x.AsSpan(0, rows * inner).ToArray();
        var b = y.AsSpan(0, inner * columns).ToArray();
        var sa = await suite.InputAsync(0, a, a.Length, ct);
        var sb = await suite.InputAsync(n - 1, b, b.Length, ct);
        var matrix = await suite.OpenAsync(await suite.MatrixMultiplyAsync(sa, sb, rows, inner, columns, ct), ct);
        var expected = new T[rows * columns];
        VectorMath.MatrixMultiply<T>(a, b, expected, rows, inner, columns);
        Check("matrix multiplication", matrix.AsSpan().SequenceEqual(expected));

        var toLast = await suite.OpenToAsync(n - 1, sx, ct);
        Check("open to one party", suite.Session.PartyId == n - 1 ? toLast!.AsSpan().SequenceEqual(x) : toLast is null);

        var ss = await suite.InputAsync(0, small, size, ct);
        var truncated = await suite.OpenAsync(await suite.TruncateAsync(ss, 16, ct), ct);
        Check("truncation", Enumerable.Range(0, size).All(i =>
            Math.Abs((double)(T.ToSignedInt128(truncated[i]) - (T.ToSignedInt128(small[i]) >> 16))) <= suite.TruncationErrorBound));

        var signs = await suite.OpenAsync(await suite.LessThanZeroAsync(ss, 41, ct), ct);
        Check("less than zero", Enumerable.Range(0, size).All(i => signs[i] == (T.ToSignedInt128(small[i]) < 0 ? T.One : T.Zero)));
        return checks;
    }
}
