using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Mpc.Net;

namespace Mpc.Tests.Net;

public sealed class MessageScheduleTests
{
    private sealed record Message(int From, int To, uint Tag, int Length, int Seq);

    private sealed record Schedule(int PartyCount, Message[] Messages)
    {
        public override string ToString() => $"N={PartyCount}, {Messages.Length} messages";
    }

    private static readonly Gen<Schedule> ScheduleGen =
        from n in Gen.Choose(2, 6)
        from raw in Gen.ListOf(
            from sender in Gen.Choose(0, n - 1)
            from offset in Gen.Choose(1, n - 1)
            from tag in Gen.Choose(0, 3)
            from length in Gen.Frequency((5, Gen.Choose(0, 64)), (1, Gen.Choose(1000, 20_000)))
            select (Sender: sender, Receiver: (sender + offset) % n, Tag: (uint)tag, Length: length))
        select new Schedule(n, raw.Select((m, i) => new Message(m.Sender, m.Receiver, m.Tag, m.Length, i)).ToArray());

    private static byte[] Payload(Message m)
    {
        var bytes = new byte[m.Length];
        new Random(m.Seq).NextBytes(bytes);
        return bytes;
    }

    /// <summary>
    /// Every party sends its messages in schedule order, all parties concurrently, while receivers for every
    /// (peer, tag) read concurrently and in any interleaving: each receiver sees exactly the messages sent to
    /// it on that tag, in the order they were sent.
    /// </summary>
    [Property(MaxTest = 40)]
    public Property RandomSchedules_DeliverEverything_InOrderPerTag() =>
        Prop.ForAll(ScheduleGen.ToArbitrary(), schedule => RunAsync(schedule).GetAwaiter().GetResult());

    private static async Task RunAsync(Schedule schedule)
    {
        var parties = InMemoryNetwork.CreateCluster(schedule.PartyCount, TimeSpan.FromSeconds(20));
        try
        {
            var tasks = new List<Task>();
            foreach (var net in parties)
            {
                var mine = schedule.Messages.Where(m => m.From == net.PartyId).ToArray();
                tasks.Add(Task.Run(async () =>
                {
                    foreach (var m in mine)
                    {
                        await net.SendAsync(m.To, new StreamTag(m.Tag), Payload(m));
                        if (m.Seq % 5 == 0) await Task.Yield();
                    }
                }));
                foreach (var group in schedule.Messages.Where(m => m.To == net.PartyId).GroupBy(m => (m.From, m.Tag)))
                {
                    var expected = group.ToArray();
                    tasks.Add(Task.Run(async () =>
                    {
                        foreach (var m in expected)
                        {
                            var destination = new byte[m.Length];
                            await net.ReceiveAsync(m.From, new StreamTag(m.Tag), destination);
                            Assert.Equal(Payload(m), destination);
                        }
                    }));
                }
            }
            await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30));
            var totalSent = parties.Sum(p => p.Stats.Snapshot().TotalBytesSent);
            var totalReceived = parties.Sum(p => p.Stats.Snapshot().TotalBytesReceived);
            Assert.Equal(totalSent, totalReceived);
        }
        finally
        {
            foreach (var p in parties) await p.DisposeAsync();
        }
    }
}
