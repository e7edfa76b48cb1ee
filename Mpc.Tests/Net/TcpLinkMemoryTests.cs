using Mpc.Net;
using Mpc.Net.Internal;
using Mpc.Tests.Infrastructure;

namespace Mpc.Tests.Net;

[Collection(SocketTests.Collection)]
public sealed class TcpLinkMemoryTests
{
    /// <summary>
    /// 64 MiB through one TLS link reuse a bounded set of input blocks (a pipe that allocated its segments anew would
    /// create one per 64 KiB, 1024 here), and every byte arrives intact.
    /// </summary>
    [Fact]
    public async Task BulkTransfer_ReusesTheInputPipesBlocks()
    {
        using var cluster = TestCluster.Create(2, tls: true, receiveTimeout: TimeSpan.FromSeconds(30));
        var nets = await cluster.ConnectAllAsync();
        try
        {
            const int frames = 16, length = 4 << 20;
            var tag = new StreamTag(3);
            var sent = new byte[length];
            var received = new byte[length];
            var sending = Task.Run(async () =>
            {
                for (int f = 0; f < frames; f++)
                {
                    Fill(sent, f);
                    await nets[0].SendAsync(1, tag, sent);
                    await nets[0].ReceiveAsync(1, tag, new byte[1]);   // one frame at a time: the receiver has checked it
                }
            });
            var expected = new byte[length];
            for (int f = 0; f < frames; f++)
            {
                await nets[1].ReceiveAsync(0, tag, received);
                Fill(expected, f);
                Assert.True(expected.AsSpan().SequenceEqual(received), $"frame {f} differs");
                await nets[1].SendAsync(0, tag, new byte[1]);
            }
            await sending;

            var blocks = ((TcpPartyNetwork)nets[1]).Links[0]!.InputBlocks;
            long throughPipe = (long)frames * length / BlockPool.BlockSize;
            Assert.True(blocks.BlocksCreated < throughPipe / 4,
                $"{blocks.BlocksCreated} input blocks created for {throughPipe} blocks' worth of bytes");
        }
        finally
        {
            await Task.WhenAll(nets.Select(n => n.DisposeAsync().AsTask()));
        }
    }

    private static void Fill(byte[] buffer, int frame)
    {
        for (int i = 0; i < buffer.Length; i++) buffer[i] = (byte)(i * 7 + (i >> 12) + frame * 31);
    }
}
