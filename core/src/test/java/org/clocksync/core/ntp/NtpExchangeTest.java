package org.clocksync.core.ntp;

import static org.assertj.core.api.Assertions.assertThat;

import org.clocksync.protocol.ntp.NtpPacket;
import org.clocksync.protocol.ntp.NtpTimestamp;
import org.junit.jupiter.api.Test;

class NtpExchangeTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;

    /**
     * RFC 5905 section 8's formulas on a worked case: the server is 1 s ahead, the request takes 10 ms, the server 1 ms,
     * the reply 20 ms. The asymmetry (10 vs 20 ms) puts the offset off by half the difference, 5 ms, as the RFC says.
     */
    @Test
    void offsetAndDelayOfAWorkedExample() {
        long t1 = 100 * S;                 // client sends (client clock)
        long t2 = 101 * S + 10 * MS;       // server receives (server clock, +1 s)
        long t3 = 101 * S + 11 * MS;       // server sends
        long t4 = 100 * S + 31 * MS;       // client receives (client clock)
        NtpExchange x = new NtpExchange(t1, t2, t3, t4);
        assertThat(x.offsetNanos()).isEqualTo(995 * MS);
        assertThat(x.delayNanos()).isEqualTo(30 * MS);
        assertThat(x.sample()).isEqualTo(new NtpSample(995 * MS, 30 * MS, t4));
    }

    @Test
    void symmetricPathsGiveTheExactOffset() {
        NtpExchange x = new NtpExchange(0, 2_500 * MS + 7 * MS, 2_500 * MS + 8 * MS, 15 * MS);
        assertThat(x.offsetNanos()).isEqualTo(2_500 * MS);
        assertThat(x.delayNanos()).isEqualTo(14 * MS);
    }

    @Test
    void clientAheadGivesANegativeOffset() {
        NtpExchange x = new NtpExchange(10 * S, 8 * S + MS, 8 * S + MS, 10 * S + 2 * MS);
        assertThat(x.offsetNanos()).isEqualTo(-2 * S);
        assertThat(x.delayNanos()).isEqualTo(2 * MS);
    }

    @Test
    void coarseClocksMayGiveANegativeDelay() {
        assertThat(new NtpExchange(0, 5, 10, 3).delayNanos()).isEqualTo(-2);
    }

    @Test
    void anExchangeFromAServerReply() {
        long t1 = 1_767_225_600L * S;
        NtpPacket reply = new NtpPacket(0, 4, 4, 1, 0, -20, 0, 0, 0, 0, NtpTimestamp.fromUnixNanos(t1),
                NtpTimestamp.fromUnixNanos(t1 + 2_500 * MS + MS), NtpTimestamp.fromUnixNanos(t1 + 2_500 * MS + MS + 10));
        NtpExchange x = NtpExchange.of(reply, t1 + 2 * MS + 10);
        assertThat(x.t1Nanos()).isEqualTo(t1);
        assertThat(x.offsetNanos()).isEqualTo(2_500 * MS);
        assertThat(x.delayNanos()).isEqualTo(2 * MS);
    }
}
