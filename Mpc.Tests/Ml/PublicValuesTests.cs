using Mpc.Core.Arithmetic;
using Mpc.Ml.Data;
using Mpc.Ml.Internal;
using Mpc.Protocols.Additive;
using Mpc.Protocols.Preprocessing;
using Mpc.Tests.Protocols.Harness;

namespace Mpc.Tests.Ml;

/// <summary>Text the parties tell each other (column names, setting values) arrives escaped, cut and bounded.</summary>
public sealed class PublicValuesTests
{
    [Fact]
    public async Task Lines_FromAnyParty_ArriveEscaped_TheSameAtEveryParty()
    {
        string[][] mine = [["age", "x\u001b[2J\rmpc launch: all 3 parties finished"], [], ["bmi", new string('y', 5000)]];
        var results = await LocalParties.RunAsync(3, async s =>
            await PublicValues.ExchangeLinesAsync(new AdditiveSuite(s, new DealerPreprocessing(s)), mine[s.PartyId], default));
        foreach (var all in results)
        {
            Assert.Equal(["age", "x\\u001b[2J\\rmpc launch: all 3 parties finished"], all[0]);
            Assert.Empty(all[1]);
            Assert.Equal("bmi", all[2][0]);
            Assert.True(all[2][1].Length <= Mpc.Core.Text.PeerText.MaxLength);
            Assert.EndsWith("more characters)", all[2][1]);
        }
    }

    [Fact]
    public async Task AnnouncedLengthOverLimit_RefusedNamingParty_BeforeAllocating()
    {
        var results = await LocalParties.RunAsync(2, async s =>
        {
            var suite = new AdditiveSuite(s, new DealerPreprocessing(s));
            if (s.PartyId == 1)
            {
                // A hostile party announces 2^31 - 1 bytes in the length exchange and stops there.
                await PublicValues.ExchangeAsync(suite, [int.MaxValue, 1], default);
                return null;
            }
            return await Assert.ThrowsAsync<DataException>(async () => await PublicValues.ExchangeLinesAsync(suite, ["a"], default));
        });
        Assert.Equal(1, results[0]!.Party);
        Assert.Contains("2147483647 bytes of text", results[0]!.Message);
    }
}
