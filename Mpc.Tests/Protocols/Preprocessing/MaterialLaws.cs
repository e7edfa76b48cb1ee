using Mpc.Protocols.Preprocessing;

namespace Mpc.Tests.Protocols.Preprocessing;

/// <summary>The laws of preprocessing material, checked on every party's shares, whichever source made it.</summary>
internal static class MaterialLaws
{
    /// <summary>Every subset's share XORs to the AND of the XORed masks in it, in every word.</summary>
    public static void AssertAndTuples(IReadOnlyList<BinaryAndTuples> tuples)
    {
        int fanIn = tuples[0].FanIn;
        for (int w = 0; w < tuples[0].Words; w++)
            for (int subset = 1; subset < 1 << fanIn; subset++)
            {
                ulong expected = ulong.MaxValue, actual = 0;
                for (int input = 0; input < fanIn; input++)
                    if ((subset >> input & 1) != 0) expected &= tuples.Aggregate(0UL, (x, t) => x ^ t[1 << input, w]);
                foreach (var t in tuples) actual ^= t[subset, w];
                Assert.Equal(expected, actual);
            }
    }
}
