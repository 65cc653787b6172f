package org.clocksync.core.ntp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.clocksync.core.AdjustClock;
import org.clocksync.protocol.ntp.NtpPacket;
import org.clocksync.protocol.ntp.NtpTimestamp;
import org.junit.jupiter.api.Test;

class UpstreamPollerTest {
    private static final long US = 1_000L;
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;
    /** Host time at the start; the disciplined clock reads the same unless a test says otherwise. */
    private static final long H0 = 1_767_225_600L * S;
    /** The upstream server's clock is this far ahead of ours. */
    private static final long AHEAD = 2_500 * MS;

    private final UpstreamPoller poller = new UpstreamPoller("10.0.0.1:123", S);

    /** A stratum-1 server's answer to {@code request}, received and sent at the given server times. */
    private static NtpPacket reply(NtpPacket request, long t2Nanos, long t3Nanos) {
        return reply(request, 0, 1, t2Nanos, t3Nanos);
    }

    private static NtpPacket reply(NtpPacket request, int leap, int stratum, long t2Nanos, long t3Nanos) {
        return new NtpPacket(leap, 4, NtpPacket.MODE_SERVER, stratum, request.poll(), -20, 0, 0,
                NtpPacket.referenceIdOf("LOCL"), 0, request.transmitTimestamp(), NtpTimestamp.fromUnixNanos(t2Nanos),
                NtpTimestamp.fromUnixNanos(t3Nanos));
    }

    /**
     * One exchange at {@code t1} on our clock: the request takes {@code outNanos}, the server {@code 10 us}, the
     * reply {@code backNanos}; the server is {@link #AHEAD}. Returns what the poller made of the reply.
     */
    private UpstreamPoller.Reply exchange(long t1, long outNanos, long backNanos) {
        NtpPacket request = poller.request(t1, t1);
        long t2 = t1 + outNanos + AHEAD;
        long t3 = t2 + 10 * US;
        long t4 = t1 + outNanos + 10 * US + backNanos;
        return poller.onReply(reply(request, t2, t3), t4, t4);
    }

    private static AdjustClock adjust(UpstreamPoller.Reply reply) {
        assertThat(reply.actions()).hasSize(1);
        return (AdjustClock) reply.actions().get(0);
    }

    @Test
    void burstsFourPollsAHundredMillisecondsApartThenPollsEveryInterval() {
        assertThat(poller.due(H0)).as("the first poll is due at once").isTrue();
        long t = H0;
        for (int i = 0; i < UpstreamPoller.BURST_POLLS; i++) {
            assertThat(poller.due(t)).as("burst poll " + i).isTrue();
            poller.request(t, t);
            assertThat(poller.due(t + 99 * MS)).isFalse();
            t += 100 * MS;
        }
        long lastBurstPoll = H0 + 300 * MS;
        assertThat(poller.due(lastBurstPoll + 100 * MS)).as("after the burst, the interval").isFalse();
        assertThat(poller.due(lastBurstPoll + S - 1)).isFalse();
        assertThat(poller.due(lastBurstPoll + S)).isTrue();
        assertThat(poller.pollsSent()).isEqualTo(4);
        assertThat(poller.unanswered()).as("three given up, one outstanding").isEqualTo(3);
    }

    @Test
    void aHostClockThatWentBackMoreThanAnIntervalPollsAtOnce() {
        for (int i = 0; i < UpstreamPoller.BURST_POLLS; i++) {
            poller.request(H0, H0);
        }
        assertThat(poller.due(H0 + 500 * MS)).isFalse();
        assertThat(poller.due(H0 - 2 * S)).isTrue();
    }

    @Test
    void theRequestIsAVersion4ClientPacketStampedWithT1() {
        NtpPacket request = poller.request(H0 + 123 * US, H0);
        assertThat(request.mode()).isEqualTo(NtpPacket.MODE_CLIENT);
        assertThat(request.version()).isEqualTo(4);
        assertThat(request.poll()).as("log2 of 1 s").isZero();
        assertThat(request.transmitTimestamp()).isEqualTo(NtpTimestamp.fromUnixNanos(H0 + 123 * US));
        assertThat(new UpstreamPoller("x", 16 * S).request(H0, H0).poll()).isEqualTo(4);
    }

    @Test
    void twoRequestsOnAClockThatStoodStillStillHaveDistinctOrigins() {
        NtpPacket first = poller.request(H0, H0);
        NtpPacket second = poller.request(H0, H0 + 100 * MS);
        assertThat(second.transmitTimestamp()).isNotEqualTo(first.transmitTimestamp());
        assertThat(poller.onReply(reply(first, H0 + AHEAD, H0 + AHEAD), H0 + MS, H0).verdict())
                .as("the first request was given up").isEqualTo(UpstreamReplyVerdict.UNSOLICITED);
        assertThat(poller.onReply(reply(second, H0 + AHEAD, H0 + AHEAD), H0 + MS, H0).verdict())
                .isEqualTo(UpstreamReplyVerdict.ACCEPTED);
    }

    /** RFC 5905 on a symmetric path: out 100 us, turnaround 10 us, back 100 us, server 2.5 s ahead. */
    @Test
    void aGoodReplyGivesASampleAndACorrectionThatTeachesDrift() {
        UpstreamPoller.Reply r = exchange(H0, 100 * US, 100 * US);
        assertThat(r.verdict()).isEqualTo(UpstreamReplyVerdict.ACCEPTED);
        assertThat(r.sample()).isEqualTo(new NtpSample(AHEAD, 200 * US, H0 + 210 * US));
        AdjustClock a = adjust(r);
        assertThat(a.correctionNanos()).isEqualTo(AHEAD);
        assertThat(a.learnDrift()).isTrue();
        assertThat(a.cause()).isEqualTo("upstream 10.0.0.1:123 offset +2.500000 s delay 200 us");
        assertThat(poller.corrections()).isEqualTo(1);
        assertThat(poller.lastCorrectionNanos()).isEqualTo(AHEAD);
        assertThat(poller.lastStratum()).isEqualTo(1);
        assertThat(poller.count(UpstreamReplyVerdict.ACCEPTED)).isEqualTo(1);
        assertThat(poller.reachable()).isTrue();
    }

    /**
     * The clock filter keeps the least-delayed of the last eight: a slower sample after a faster one asks for nothing
     * (its offset is off by half its asymmetry), a faster one is applied. The asymmetric path (out 1 ms, back 100 us)
     * puts the offset 450 us high, as (out - back) / 2 says.
     */
    @Test
    void onlyANewLeastDelayedSampleAsksForACorrection() {
        assertThat(adjust(exchange(H0, 100 * US, 100 * US)).correctionNanos()).isEqualTo(AHEAD);
        UpstreamPoller.Reply slower = exchange(H0 + S, MS, 100 * US);
        assertThat(slower.verdict()).isEqualTo(UpstreamReplyVerdict.ACCEPTED);
        assertThat(slower.sample().offsetNanos()).isEqualTo(AHEAD + 450 * US);
        assertThat(slower.actions()).as("a slower sample is not used").isEmpty();
        UpstreamPoller.Reply faster = exchange(H0 + 2 * S, 40 * US, 40 * US);
        assertThat(adjust(faster).correctionNanos()).isEqualTo(AHEAD);
        assertThat(faster.sample().delayNanos()).isEqualTo(80 * US);
        assertThat(poller.corrections()).isEqualTo(2);
    }

    @Test
    void repliesThatMatchNoOutstandingRequestAreDroppedAndCounted() {
        NtpPacket noRequestYet = NtpPacket.clientRequest(4, 0, NtpTimestamp.fromUnixNanos(H0));
        assertThat(poller.onReply(reply(noRequestYet, H0, H0), H0, H0).verdict())
                .isEqualTo(UpstreamReplyVerdict.UNSOLICITED);

        NtpPacket request = poller.request(H0, H0);
        NtpPacket forged = NtpPacket.clientRequest(4, 0, request.transmitTimestamp() + 1);
        assertThat(poller.onReply(reply(forged, H0 + AHEAD, H0 + AHEAD), H0 + MS, H0 + MS).verdict())
                .as("a wrong origin").isEqualTo(UpstreamReplyVerdict.UNSOLICITED);
        NtpPacket good = reply(request, H0 + AHEAD, H0 + AHEAD);
        assertThat(poller.onReply(good, H0 + MS, H0 + MS).verdict()).isEqualTo(UpstreamReplyVerdict.ACCEPTED);
        UpstreamPoller.Reply replay = poller.onReply(good, H0 + 2 * MS, H0 + 2 * MS);
        assertThat(replay.verdict()).as("the same reply again").isEqualTo(UpstreamReplyVerdict.UNSOLICITED);
        assertThat(replay.actions()).isEmpty();
        assertThat(poller.count(UpstreamReplyVerdict.UNSOLICITED)).isEqualTo(3);
        assertThat(poller.rejectedTotal()).isEqualTo(3);
        assertThat(poller.count(UpstreamReplyVerdict.ACCEPTED)).isEqualTo(1);
    }

    @Test
    void aPacketThatIsNotAServerReplyLeavesTheRequestOutstanding() {
        NtpPacket request = poller.request(H0, H0);
        NtpPacket echoed = new NtpPacket(0, 4, NtpPacket.MODE_CLIENT, 1, 0, 0, 0, 0, 0, 0,
                request.transmitTimestamp(), NtpTimestamp.fromUnixNanos(H0), NtpTimestamp.fromUnixNanos(H0));
        assertThat(poller.onReply(echoed, H0 + MS, H0 + MS).verdict()).isEqualTo(UpstreamReplyVerdict.WRONG_MODE);
        assertThat(poller.onReply(reply(request, H0 + AHEAD, H0 + AHEAD), H0 + MS, H0 + MS).verdict())
                .isEqualTo(UpstreamReplyVerdict.ACCEPTED);
    }

    @Test
    void kissOfDeathUnsynchronizedAndZeroTimestampsAreRejected() {
        NtpPacket r1 = poller.request(H0, H0);
        assertThat(poller.onReply(reply(r1, 0, 0, H0, H0), H0 + MS, H0).verdict())
                .isEqualTo(UpstreamReplyVerdict.KISS_OF_DEATH);
        NtpPacket r2 = poller.request(H0 + S, H0 + S);
        assertThat(poller.onReply(reply(r2, 0, 16, H0 + S, H0 + S), H0 + S + MS, H0 + S).verdict())
                .isEqualTo(UpstreamReplyVerdict.UNSYNCHRONIZED);
        NtpPacket r3 = poller.request(H0 + 2 * S, H0 + 2 * S);
        assertThat(poller.onReply(reply(r3, 3, 2, H0 + 2 * S, H0 + 2 * S), H0 + 2 * S + MS, H0 + 2 * S).verdict())
                .as("leap indicator 3").isEqualTo(UpstreamReplyVerdict.UNSYNCHRONIZED);
        NtpPacket r4 = poller.request(H0 + 3 * S, H0 + 3 * S);
        NtpPacket noTransmit = reply(r4, H0 + 3 * S, H0 + 3 * S).withTransmitTimestamp(NtpTimestamp.ZERO);
        UpstreamPoller.Reply zero = poller.onReply(noTransmit, H0 + 3 * S + MS, H0 + 3 * S);
        assertThat(zero.verdict()).isEqualTo(UpstreamReplyVerdict.ZERO_TIMESTAMP);
        assertThat(zero.actions()).isEmpty();
        assertThat(poller.rejectedTotal()).isEqualTo(4);
        assertThat(poller.count(UpstreamReplyVerdict.ACCEPTED)).isZero();
        assertThat(poller.reachable()).as("no usable reply in the last eight polls").isFalse();
        assertThat(poller.corrections()).isZero();
    }

    @Test
    void aRoundTripOverTheLimitANegativeDelayAndAnAbsurdOffsetAreRejected() {
        UpstreamPoller strict = new UpstreamPoller("x", S, 5 * MS);
        NtpPacket r1 = strict.request(H0, H0);
        assertThat(strict.onReply(reply(r1, H0 + 3 * MS, H0 + 3 * MS), H0 + 6 * MS, H0).verdict())
                .isEqualTo(UpstreamReplyVerdict.DELAY_TOO_LARGE);
        NtpPacket r2 = strict.request(H0 + S, H0 + S);
        // the server says it held the request 2 ms, but we saw only 1 ms pass
        assertThat(strict.onReply(reply(r2, H0 + S, H0 + S + 2 * MS), H0 + S + MS, H0 + S).verdict())
                .isEqualTo(UpstreamReplyVerdict.BAD_TIMESTAMPS);
        NtpPacket r3 = strict.request(H0 + 2 * S, H0 + 2 * S);
        long year2100 = 4_102_444_800L * S;
        assertThat(strict.onReply(reply(r3, year2100, year2100), H0 + 2 * S + MS, H0 + 2 * S).verdict())
                .as("74 years ahead").isEqualTo(UpstreamReplyVerdict.BAD_TIMESTAMPS);
        assertThat(strict.count(UpstreamReplyVerdict.DELAY_TOO_LARGE)).isEqualTo(1);
        assertThat(strict.count(UpstreamReplyVerdict.BAD_TIMESTAMPS)).isEqualTo(2);
    }

    @Test
    void theReachRegisterRemembersTheLastEightPolls() {
        exchange(H0, 100 * US, 100 * US);
        assertThat(poller.reach()).isEqualTo(0b1);
        for (int i = 1; i <= 7; i++) {
            poller.request(H0 + i * S, H0 + i * S);
            assertThat(poller.reachable()).as("poll " + i).isTrue();
        }
        assertThat(poller.reach()).isEqualTo(0b1000_0000);
        poller.request(H0 + 8 * S, H0 + 8 * S);
        assertThat(poller.reach()).isZero();
        assertThat(poller.reachable()).isFalse();
        assertThat(poller.unanswered()).isEqualTo(7);
    }

    @Test
    void callerDropsAreCountedButNeverAsAccepted() {
        assertThat(poller.dropped(UpstreamReplyVerdict.MALFORMED).verdict()).isEqualTo(UpstreamReplyVerdict.MALFORMED);
        assertThat(poller.count(UpstreamReplyVerdict.MALFORMED)).isEqualTo(1);
        assertThatThrownBy(() -> poller.dropped(UpstreamReplyVerdict.ACCEPTED)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void limitsAreChecked() {
        assertThatThrownBy(() -> new UpstreamPoller("x", 99 * MS))
                .hasMessage("upstream poll interval must be between 100 ms and 1 h, got 99 ms");
        assertThatThrownBy(() -> new UpstreamPoller("x", 3_601 * S)).hasMessageStartingWith("upstream poll interval");
        assertThatThrownBy(() -> new UpstreamPoller("x", S, 0)).hasMessageStartingWith("upstream delay limit");
        assertThatThrownBy(() -> poller.request(Long.MAX_VALUE, H0)).hasMessageContaining("outside the NTP range");
    }
}
