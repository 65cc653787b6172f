package org.clocksync.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.clocksync.core.Action;
import org.clocksync.core.PeerRecovered;
import org.clocksync.core.PeerSuspected;
import org.clocksync.core.Send;
import org.clocksync.core.cluster.HeartbeatNetwork.Observed;
import org.clocksync.protocol.Message;
import org.junit.jupiter.api.Test;

class FailureDetectorTest {
    private static final long T0 = 1_700_000_000_000_000_000L;
    private static final long MS = 1_000_000L;
    /** T = 100 ms, bounds 0..50 ms, tick 5 ms: timeout 150 ms, worst detection 205 ms. */
    private static final ClusterConfig DEFAULTS = TestConfigs.FIFTY_MS;
    private static final long T = DEFAULTS.heartbeatPeriodNanos();
    private static final long TICK = DEFAULTS.tickNanos();
    private static final List<Integer> FIVE_IDS = List.of(3, 7, 9, 12, 20);

    private static List<Integer> peersOf(int selfId, List<Integer> ids) {
        return ids.stream().filter(id -> id != selfId).toList();
    }

    private static List<Send> heartbeats(List<Action> actions) {
        return actions.stream()
                .filter(a -> a instanceof Send s && s.message() instanceof Message.Heartbeat)
                .map(a -> (Send) a).toList();
    }

    private static List<Action> withoutHeartbeats(List<Action> actions) {
        return actions.stream()
                .filter(a -> !(a instanceof Send s && s.message() instanceof Message.Heartbeat)).toList();
    }

    private static Send heartbeat(int toId, long sequence, int coordinatorId) {
        return new Send(toId, new Message.Heartbeat(sequence, coordinatorId));
    }

    @Test
    void allToAllSendsTheFirstHeartbeatsOnTheFirstTickToEveryOtherNodeInIdOrder() {
        FailureDetector detector = new FailureDetector(9, List.of(20, 3, 12, 7), DEFAULTS, T0);

        assertThat(detector.tick(T0 - 1, 5)).isEmpty();
        assertThat(detector.tick(T0, 5)).containsExactly(
                heartbeat(3, 1, 5), heartbeat(7, 1, 5), heartbeat(12, 1, 5), heartbeat(20, 1, 5));
        assertThat(detector.heartbeatsSent()).isEqualTo(4);
        assertThat(detector.peers()).extracting(PeerView::id).containsExactly(3, 7, 12, 20);
        assertThat(detector.peers()).allMatch(PeerView::monitored);
    }

    @Test
    void ring2SendsToTheTwoSuccessorsAndMonitorsTheTwoPredecessorsAroundTheRing() {
        ClusterConfig ring2 = DEFAULTS.withTopology(new HeartbeatTopology.Ring(2));

        FailureDetector middle = new FailureDetector(9, peersOf(9, FIVE_IDS), ring2, T0);
        assertThat(middle.tick(T0, 0)).containsExactly(heartbeat(12, 1, 0), heartbeat(20, 1, 0));
        assertThat(middle.peers()).filteredOn(PeerView::monitored).extracting(PeerView::id).containsExactly(3, 7);

        FailureDetector last = new FailureDetector(20, peersOf(20, FIVE_IDS), ring2, T0);
        assertThat(last.tick(T0, 0)).containsExactly(heartbeat(3, 1, 0), heartbeat(7, 1, 0));
        assertThat(last.peers()).filteredOn(PeerView::monitored).extracting(PeerView::id).containsExactly(9, 12);

        FailureDetector first = new FailureDetector(3, peersOf(3, FIVE_IDS), ring2, T0);
        assertThat(first.heartbeatTargets()).containsExactly(7, 9);
        assertThat(first.peers()).filteredOn(PeerView::monitored).extracting(PeerView::id).containsExactly(12, 20);
    }

    @Test
    void heartbeatsGoOutOncePerPeriodWithIncreasingSequenceNumbers() {
        FailureDetector detector = new FailureDetector(1, List.of(2, 3), DEFAULTS, T0);
        List<Long> sentAtNanos = new ArrayList<>();
        List<Long> sequences = new ArrayList<>();
        for (long now = T0; now < T0 + 10 * T; now += TICK) {
            List<Send> sent = heartbeats(detector.tick(now, 0));
            if (!sent.isEmpty()) {
                sentAtNanos.add(now);
                assertThat(sent).extracting(Send::toNodeId).containsExactly(2, 3);
                sequences.add(((Message.Heartbeat) sent.get(0).message()).sequence());
                assertThat(sent).extracting(Send::message).containsOnly(sent.get(0).message());
            }
        }
        assertThat(sentAtNanos).containsExactlyElementsOf(IntStream.range(0, 10).mapToObj(k -> T0 + k * T).toList());
        assertThat(sequences).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(detector.heartbeatsSent()).isEqualTo(20);
    }

    @Test
    void aLateTickDoesNotShiftTheScheduleButAStallOfAPeriodSendsOnceAndRestartsFromNow() {
        FailureDetector detector = new FailureDetector(1, List.of(2), DEFAULTS, T0);
        assertThat(heartbeats(detector.tick(T0, 0))).containsExactly(heartbeat(2, 1, 0));
        assertThat(heartbeats(detector.tick(T0 + T + 3 * MS, 0))).containsExactly(heartbeat(2, 2, 0));
        assertThat(heartbeats(detector.tick(T0 + 2 * T - 1, 0))).isEmpty();
        assertThat(heartbeats(detector.tick(T0 + 2 * T, 0))).containsExactly(heartbeat(2, 3, 0));

        long stalledNanos = T0 + 7 * T + 30 * MS;
        assertThat(heartbeats(detector.tick(stalledNanos, 0))).containsExactly(heartbeat(2, 4, 0));
        assertThat(heartbeats(detector.tick(stalledNanos + T - 1, 0))).isEmpty();
        assertThat(heartbeats(detector.tick(stalledNanos + T, 0))).containsExactly(heartbeat(2, 5, 0));
    }

    @Test
    void aPeerIsSuspectedOnlyWhenSilentForStrictlyMoreThanTPlusMaxMinusMin() {
        FailureDetector detector = new FailureDetector(1, List.of(2), DEFAULTS, T0);
        detector.onHeardFrom(2, T0 + 10 * MS);

        assertThat(withoutHeartbeats(detector.tick(T0 + 10 * MS + 150 * MS, 0))).isEmpty();
        assertThat(detector.suspected(2)).isFalse();
        assertThat(withoutHeartbeats(detector.tick(T0 + 10 * MS + 150 * MS + 1, 0)))
                .containsExactly(new PeerSuspected(2, false, 150 * MS + 1));
        assertThat(detector.suspected(2)).isTrue();
    }

    @Test
    void formulasWithTheDefaultsAndWithAChannelOfItsOwn() {
        ClusterConfig config = new ClusterConfig(T, new DelayBounds(0, 50 * MS),
                Map.of(3, new DelayBounds(10 * MS, 90 * MS)), new HeartbeatTopology.AllToAll(), ElectionAlgorithm.BULLY,
                TICK, 5_000 * MS);
        FailureDetector detector = new FailureDetector(1, List.of(2, 3), config, T0);

        assertThat(detector.timeoutNanos(2)).isEqualTo(150 * MS);
        assertThat(detector.worstCaseDetectionNanos(2)).isEqualTo(205 * MS);
        assertThat(detector.worstCaseNoticeDetectionNanos(2)).isEqualTo(255 * MS);
        assertThat(detector.timeoutNanos(3)).isEqualTo(180 * MS);
        assertThat(detector.worstCaseDetectionNanos(3)).isEqualTo(100 * MS + 180 * MS - 10 * MS + 5 * MS);
        assertThat(detector.worstCaseNoticeDetectionNanos(3)).isEqualTo(275 * MS + 50 * MS);
    }

    @Test
    void noFalseSuspicionOverThousandsOfPeriodsWhenEveryDelayIsInsideTheBounds() {
        ClusterConfig varied = new ClusterConfig(40 * MS, new DelayBounds(2 * MS, 30 * MS),
                Map.of(9, new DelayBounds(10 * MS, 90 * MS)), new HeartbeatTopology.AllToAll(), ElectionAlgorithm.BULLY,
                4 * MS, 5_000 * MS);
        List<ClusterConfig> configs = List.of(DEFAULTS, DEFAULTS.withTopology(new HeartbeatTopology.Ring(2)), varied,
                varied.withTopology(new HeartbeatTopology.Ring(1)));
        long periods = 3_000;
        for (int c = 0; c < configs.size(); c++) {
            ClusterConfig config = configs.get(c);
            SplittableRandom random = new SplittableRandom(42 + c);
            Map<Integer, Long> phases = new TreeMap<>();
            FIVE_IDS.forEach(id -> phases.put(id, random.nextLong(config.tickNanos())));
            HeartbeatNetwork network = new HeartbeatNetwork(config, FIVE_IDS, T0, phases,
                    HeartbeatNetwork.Delays.randomWithinBounds(config, random));
            long endNanos = T0 + periods * config.heartbeatPeriodNanos();

            network.runUntil(endNanos);

            assertThat(network.observed()).as("suspicions with %s", config.topology()).isEmpty();
            for (int id : FIVE_IDS) {
                FailureDetector detector = network.detector(id);
                assertThat(detector.heartbeatsMissed()).isZero();
                assertThat(detector.heartbeatsSent())
                        .isGreaterThanOrEqualTo(periods * detector.heartbeatTargets().size());
                assertThat(detector.peers()).filteredOn(PeerView::monitored).isNotEmpty()
                        .allMatch(view -> endNanos - view.lastHeardNanos() <= detector.timeoutNanos(view.id()));
            }
        }
    }

    @Test
    void theAdversarialCrashIsDetectedWithinOneTickOfTheWorstCase() {
        // Every heartbeat takes min except node 20's last one, which takes max; node 20 crashes just after sending
        // it; every tick phase is 0, so the deadline falls exactly on a tick, which is not yet past it.
        long lastSentNanos = T0 + 10 * T;
        long crashNanos = lastSentNanos + 1;
        long maxNanos = DEFAULTS.defaultBounds().maxNanos();
        HeartbeatNetwork network = new HeartbeatNetwork(DEFAULTS, FIVE_IDS, T0, Map.of(),
                (fromId, toId, message, sentNanos) -> fromId == 20 && sentNanos == lastSentNanos ? maxNanos : 0);
        network.crash(20, crashNanos);

        network.runUntil(crashNanos + 1_000 * MS);

        long worstNanos = network.detector(3).worstCaseDetectionNanos(20);
        assertThat(worstNanos).isEqualTo(205 * MS);
        assertThat(network.observed()).hasSize(4).allSatisfy(o -> {
            assertThat(o.action()).isEqualTo(new PeerSuspected(20, false, 155 * MS));
            assertThat(o.atNanos() - crashNanos).isLessThanOrEqualTo(worstNanos)
                    .isGreaterThanOrEqualTo(worstNanos - TICK);
        });
        assertThat(network.observed()).extracting(Observed::nodeId).containsExactly(3, 7, 9, 12);
    }

    @Test
    void aNoticeFromTheFirstDetectorSuspectsThePeerAtTheOthersBeforeTheirOwnTimeout() {
        // Node 20's heartbeats reach node 3 at once and the others after max, so node 3 times out 50 ms before them;
        // its notice (delay 0) reaches them when they last heard node 20 exactly max after node 3 did: no fresher.
        long crashNanos = T0 + 10 * T + 1;
        long maxNanos = DEFAULTS.defaultBounds().maxNanos();
        HeartbeatNetwork network = new HeartbeatNetwork(DEFAULTS, FIVE_IDS, T0, Map.of(),
                (fromId, toId, message, sentNanos) -> fromId == 20 && toId != 3 ? maxNanos : 0);
        network.crash(20, crashNanos);

        network.runUntil(crashNanos + 1_000 * MS);

        long detectedNanos = T0 + 10 * T + 155 * MS;
        assertThat(network.observed()).containsExactly(
                new Observed(detectedNanos, 3, new PeerSuspected(20, false, 155 * MS)),
                new Observed(detectedNanos, 7, new PeerSuspected(20, true, 105 * MS)),
                new Observed(detectedNanos, 9, new PeerSuspected(20, true, 105 * MS)),
                new Observed(detectedNanos, 12, new PeerSuspected(20, true, 105 * MS)));
        assertThat(network.detector(7).heartbeatsMissed()).isZero();
        assertThat(network.detector(3).heartbeatsMissed()).isEqualTo(1);
    }

    @Test
    void withRing2AnyTwoCrashesAreSuspectedByEveryLiveNodeWithinTheNoticeBound() {
        ClusterConfig ring2 = DEFAULTS.withTopology(new HeartbeatTopology.Ring(2));
        SplittableRandom random = new SplittableRandom(7);
        int noticeOnly = 0;
        for (int a = 0; a < FIVE_IDS.size(); a++) {
            for (int b = a + 1; b < FIVE_IDS.size(); b++) {
                List<Integer> crashed = List.of(FIVE_IDS.get(a), FIVE_IDS.get(b));
                Map<Integer, Long> phases = new TreeMap<>();
                FIVE_IDS.forEach(id -> phases.put(id, random.nextLong(TICK)));
                HeartbeatNetwork network = new HeartbeatNetwork(ring2, FIVE_IDS, T0, phases,
                        HeartbeatNetwork.Delays.randomWithinBounds(ring2, random));
                long crashNanos = T0 + 20 * T + random.nextLong(T);
                crashed.forEach(id -> network.crash(id, crashNanos));

                network.runUntil(crashNanos + 2_000 * MS);

                for (int live : FIVE_IDS) {
                    if (crashed.contains(live)) {
                        continue;
                    }
                    for (int dead : crashed) {
                        List<Observed> suspicions = network.observed().stream()
                                .filter(o -> o.nodeId() == live && o.action() instanceof PeerSuspected s
                                        && s.peerId() == dead).toList();
                        assertThat(suspicions).as("%d suspects %d, crashed %s", live, dead, crashed).hasSize(1);
                        Observed first = suspicions.get(0);
                        assertThat(first.atNanos()).isGreaterThan(crashNanos).isLessThanOrEqualTo(
                                crashNanos + network.detector(live).worstCaseNoticeDetectionNanos(dead));
                        if (((PeerSuspected) first.action()).byNotice()) {
                            noticeOnly++;
                        }
                    }
                }
                assertThat(network.observed()).allMatch(o -> o.action() instanceof PeerSuspected s
                        && crashed.contains(s.peerId()));
            }
        }
        assertThat(noticeOnly).as("suspicions learned only from a notice").isPositive();
    }

    @Test
    void aTimeoutSuspectsThePeerAndNotifiesEveryOtherPeerInIdOrder() {
        FailureDetector detector = new FailureDetector(1, List.of(5, 4, 3, 2), DEFAULTS, T0);
        detector.onHeardFrom(3, T0);
        detector.tick(T0, 0);
        detector.tick(T0 + T, 0);
        for (int id : List.of(2, 4, 5)) {
            detector.onHeardFrom(id, T0 + T);
        }

        assertThat(detector.tick(T0 + 150 * MS, 0)).isEmpty();
        assertThat(detector.tick(T0 + 155 * MS, 0)).containsExactly(
                new PeerSuspected(3, false, 155 * MS),
                new Send(2, new Message.FailureNotice(3, T0)),
                new Send(4, new Message.FailureNotice(3, T0)),
                new Send(5, new Message.FailureNotice(3, T0)));
        assertThat(detector.tick(T0 + 160 * MS, 0)).as("one suspicion, one round of notices").isEmpty();
        assertThat(detector.peers()).extracting(PeerView::suspected).containsExactly(false, true, false, false);
    }

    @Test
    void aNoticeSuspectsAPeerOnceAndIsNeverForwarded() {
        FailureDetector detector = new FailureDetector(1, List.of(2, 3), DEFAULTS, T0);
        long lastHeardAtNotifierNanos = T0 + 50 * MS;
        detector.onHeardFrom(3, lastHeardAtNotifierNanos + 50 * MS);

        assertThat(detector.onFailureNotice(2, 3, lastHeardAtNotifierNanos, T0 + 200 * MS))
                .containsExactly(new PeerSuspected(3, true, 100 * MS));
        assertThat(detector.suspected(3)).isTrue();
        assertThat(detector.onFailureNotice(2, 3, T0 + 190 * MS, T0 + 210 * MS)).isEmpty();

        detector.onHeardFrom(2, T0 + 200 * MS);
        List<Action> later = detector.tick(T0 + 300 * MS, 0);
        assertThat(withoutHeartbeats(later)).isEmpty();
        assertThat(heartbeats(later)).isNotEmpty();
        assertThat(detector.heartbeatsMissed()).isZero();
    }

    @Test
    void aNoticeIsIgnoredWhenThisNodeHeardFromTheSuspectAfterTheNotifierCould() {
        FailureDetector detector = new FailureDetector(1, List.of(2, 3), DEFAULTS, T0);
        long lastHeardAtNotifierNanos = T0 + 50 * MS;
        detector.onHeardFrom(3, lastHeardAtNotifierNanos + 50 * MS + 1);

        assertThat(detector.onFailureNotice(2, 3, lastHeardAtNotifierNanos, T0 + 200 * MS)).isEmpty();
        assertThat(detector.suspected(3)).isFalse();
    }

    @Test
    void aNoticeAboutAPeerNeverHeardFromIsAcceptedWhateverItsTime() {
        FailureDetector detector = new FailureDetector(1, List.of(2, 3), DEFAULTS, T0);

        assertThat(detector.onFailureNotice(2, 3, T0 - 10_000 * MS, T0 + 20 * MS))
                .containsExactly(new PeerSuspected(3, true, 20 * MS));
    }

    @Test
    void noticesAboutThisNodeOrUnknownNodesOrFromUnknownSendersAreIgnored() {
        FailureDetector detector = new FailureDetector(1, List.of(2, 3), DEFAULTS, T0);

        assertThat(detector.onFailureNotice(2, 1, T0, T0 + 500 * MS)).isEmpty();
        assertThat(detector.onFailureNotice(2, 9, T0, T0 + 500 * MS)).isEmpty();
        assertThat(detector.onFailureNotice(9, 3, T0, T0 + 500 * MS)).isEmpty();
        assertThat(detector.suspected(3)).isFalse();
        // a notice fresher than anything could be must not overflow into looking stale
        detector.onHeardFrom(3, T0 + 400 * MS);
        assertThat(detector.onFailureNotice(2, 3, Long.MAX_VALUE, T0 + 500 * MS)).hasSize(1);
        assertThat(detector.suspected(1)).isFalse();
        assertThat(detector.suspected(9)).isFalse();
    }

    @Test
    void aSuspectedPeerHeardFromAgainRecoversAndItsTimeoutStartsOver() {
        FailureDetector detector = new FailureDetector(1, List.of(2), DEFAULTS, T0);
        detector.onHeardFrom(2, T0);
        detector.tick(T0 + 100 * MS, 0);
        assertThat(withoutHeartbeats(detector.tick(T0 + 151 * MS, 0)))
                .containsExactly(new PeerSuspected(2, false, 151 * MS));
        assertThat(detector.peers()).containsExactly(new PeerView(2, true, true, T0));

        assertThat(detector.onHeardFrom(2, T0 + 200 * MS)).containsExactly(new PeerRecovered(2));
        assertThat(detector.peers()).containsExactly(new PeerView(2, true, false, T0 + 200 * MS));
        assertThat(detector.onHeardFrom(2, T0 + 210 * MS)).isEmpty();

        assertThat(withoutHeartbeats(detector.tick(T0 + 360 * MS, 0))).isEmpty();
        assertThat(withoutHeartbeats(detector.tick(T0 + 361 * MS, 0)))
                .containsExactly(new PeerSuspected(2, false, 151 * MS));
    }

    @Test
    void aPeerSuspectedByNoticeRecoversWhenHeardFrom() {
        FailureDetector detector = new FailureDetector(1, List.of(2, 3), DEFAULTS, T0);
        detector.onFailureNotice(2, 3, T0, T0 + 10 * MS);

        assertThat(detector.onHeardFrom(3, T0 + 20 * MS)).containsExactly(new PeerRecovered(3));
        assertThat(detector.suspected(3)).isFalse();
    }

    @Test
    void framesFromUnknownIdsAreIgnored() {
        FailureDetector detector = new FailureDetector(1, List.of(2), DEFAULTS, T0);

        for (int id : List.of(1, 0, -5, 3, Integer.MAX_VALUE)) {
            assertThat(detector.onHeardFrom(id, T0 + MS)).isEmpty();
        }
        assertThat(detector.peers()).containsExactly(new PeerView(2, true, false, 0));
    }

    @Test
    void heartbeatsMissedCountsPeriodsPastTheTimeoutUntilSuspected() {
        FailureDetector detector = new FailureDetector(1, List.of(2, 3), DEFAULTS, T0);
        detector.onHeardFrom(2, T0);
        detector.onHeardFrom(3, T0 + 100 * MS);
        assertThat(detector.tick(T0 + 150 * MS, 0)).isNotEmpty();
        assertThat(detector.heartbeatsMissed()).isZero();

        detector.tick(T0 + 150 * MS + 1, 0);
        assertThat(detector.heartbeatsMissed()).as("node 2 timed out").isEqualTo(1);

        // node 3's detecting tick comes two whole periods (and a bit) after its timeout: three periods missed. The
        // long gap before it makes the tick before it a stall, which judges nobody.
        detector.tick(T0 + 100 * MS + 150 * MS + 2 * T, 0);
        assertThat(detector.suspected(3)).as("a stalled tick judges nobody").isFalse();
        detector.tick(T0 + 100 * MS + 150 * MS + 2 * T + 1, 0);
        assertThat(detector.suspected(3)).isTrue();
        assertThat(detector.heartbeatsMissed()).isEqualTo(4);

        detector.tick(T0 + 10_000 * MS, 0);
        assertThat(detector.heartbeatsMissed()).as("no more counting once suspected").isEqualTo(4);
    }

    @Test
    void aPeerNeverHeardFromGetsTheDiscoveryTimeoutSinceItMayNotHaveStartedYet() {
        FailureDetector detector = new FailureDetector(1, List.of(2), DEFAULTS, T0);
        long discoveryNanos = DEFAULTS.discoveryTimeoutNanos();
        for (long t = T0; t <= T0 + discoveryNanos; t += DEFAULTS.tickNanos()) {
            assertThat(withoutHeartbeats(detector.tick(t, 0))).as("at +%d ms", (t - T0) / MS).isEmpty();
        }
        assertThat(withoutHeartbeats(detector.tick(T0 + discoveryNanos + DEFAULTS.tickNanos(), 0)))
                .containsExactly(new PeerSuspected(2, false, discoveryNanos + DEFAULTS.tickNanos()));
    }

    @Test
    void aTickAfterThisNodeStalledJudgesNobodyUntilTheNextTick() {
        FailureDetector detector = new FailureDetector(1, List.of(2), DEFAULTS, T0);
        detector.onHeardFrom(2, T0);
        detector.tick(T0, 0);
        assertThat(withoutHeartbeats(detector.tick(T0 + 500 * MS, 0))).as("stalled for 500 ms").isEmpty();
        detector.onHeardFrom(2, T0 + 501 * MS);
        assertThat(withoutHeartbeats(detector.tick(T0 + 505 * MS, 0))).as("its heartbeat was read meanwhile").isEmpty();
        assertThat(detector.suspected(2)).isFalse();
    }

    @Test
    void aSuspicionLearnedFromANoticeLapsesUnlessTheDetectorRenewsIt() {
        ClusterConfig ring1 = DEFAULTS.withTopology(new HeartbeatTopology.Ring(1));
        FailureDetector renewed = new FailureDetector(2, List.of(1, 3), ring1, T0);
        FailureDetector lapsed = new FailureDetector(2, List.of(1, 3), ring1, T0);
        long leaseNanos = renewed.noticeLeaseNanos();
        for (FailureDetector d : List.of(renewed, lapsed)) {
            // With ring:1 node 2 watches node 1 only; it hears of node 3 through node 1's notices.
            d.onHeardFrom(1, T0);
            assertThat(d.onFailureNotice(1, 3, T0, T0 + MS)).containsExactly(new PeerSuspected(3, true, MS));
        }
        long t = T0 + MS;
        boolean lapsedRecovered = false;
        while (t < T0 + 3 * leaseNanos) {
            t += DEFAULTS.tickNanos();
            if ((t - T0) % renewed.noticeRenewalNanos() < DEFAULTS.tickNanos()) {
                renewed.onFailureNotice(1, 3, T0, t);
            }
            renewed.onHeardFrom(1, t);
            lapsed.onHeardFrom(1, t);
            assertThat(renewed.tick(t, 0)).noneMatch(a -> a instanceof PeerRecovered);
            lapsedRecovered |= lapsed.tick(t, 0).contains(new PeerRecovered(3));
        }
        assertThat(renewed.suspected(3)).as("renewed every %d ms", renewed.noticeRenewalNanos() / MS).isTrue();
        assertThat(lapsedRecovered).as("no renewal within %d ms", leaseNanos / MS).isTrue();
        assertThat(lapsed.suspected(3)).isFalse();
    }

    @Test
    void aDetectorRepeatsItsNoticeWhileItStillSuspects() {
        FailureDetector detector = new FailureDetector(1, List.of(2, 3), DEFAULTS, T0);
        detector.onHeardFrom(2, T0);
        detector.onHeardFrom(3, T0);
        long t = T0;
        int notices = 0;
        while (t < T0 + 150 * MS + 2 * detector.noticeRenewalNanos() + 10 * MS) {
            t += DEFAULTS.tickNanos();
            detector.onHeardFrom(2, t);
            notices += (int) detector.tick(t, 0).stream()
                    .filter(a -> a instanceof Send s && s.message() instanceof Message.FailureNotice).count();
        }
        assertThat(detector.suspected(3)).isTrue();
        assertThat(notices).as("the first notice and two renewals, to node 2").isEqualTo(3);
    }

    @Test
    void duringStartUpAPeerGetsTheStartUpTimeoutThenTheHeartbeatTimeout() {
        ClusterConfig shipped = ClusterConfig.defaults();
        FailureDetector detector = new FailureDetector(1, List.of(2), shipped, T0);
        detector.onHeardFrom(2, T0);
        long t = T0;
        while (t < T0 + shipped.startupTimeoutNanos()) {
            t += shipped.tickNanos();
            assertThat(withoutHeartbeats(detector.tick(t, 0))).as("starting, +%d ms", (t - T0) / MS).isEmpty();
        }
        long heardNanos = T0 + shipped.discoveryTimeoutNanos();
        while (t < heardNanos) {
            t += shipped.tickNanos();
            detector.onHeardFrom(2, t);
            detector.tick(t, 0);
        }
        long suspectedAtNanos = 0;
        while (suspectedAtNanos == 0) {
            t += shipped.tickNanos();
            if (!withoutHeartbeats(detector.tick(t, 0)).isEmpty()) {
                suspectedAtNanos = t;
            }
        }
        assertThat(suspectedAtNanos - heardNanos).as("after start-up: T + max - min, then a tick")
                .isGreaterThan(detector.timeoutNanos(2)).isLessThanOrEqualTo(detector.timeoutNanos(2) + 2 * shipped.tickNanos());
    }

    @Test
    void invalidConstructorInputSaysWhatIsWrong() {
        assertThatThrownBy(() -> new FailureDetector(0, List.of(2), DEFAULTS, T0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("self id must be between 1 and 65535, got 0");
        assertThatThrownBy(() -> new FailureDetector(65_536, List.of(2), DEFAULTS, T0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("self id must be between 1 and 65535, got 65536");
        assertThatThrownBy(() -> new FailureDetector(1, List.of(2, 70_000), DEFAULTS, T0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("peer id must be between 1 and 65535, got 70000");
        assertThatThrownBy(() -> new FailureDetector(1, List.of(-3), DEFAULTS, T0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("peer id must be between 1 and 65535, got -3");
        assertThatThrownBy(() -> new FailureDetector(2, List.of(1, 2, 3), DEFAULTS, T0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("self id 2 must not be listed among its own peers");
        assertThatThrownBy(() -> new FailureDetector(1, List.of(3, 2, 3), DEFAULTS, T0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("peer id 3 is listed twice");
        List<Integer> withNull = new ArrayList<>(List.of(2));
        withNull.add(null);
        assertThatThrownBy(() -> new FailureDetector(1, withNull, DEFAULTS, T0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not contain null");
        List<Integer> tooMany = IntStream.rangeClosed(2, 1026).boxed().toList();
        assertThatThrownBy(() -> new FailureDetector(1, tooMany, DEFAULTS, T0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("at most 1024 peers are supported, got 1025");

        FailureDetector largest = new FailureDetector(1, tooMany.subList(0, 1024), DEFAULTS, T0);
        assertThat(largest.peers()).hasSize(1024);
        assertThat(heartbeats(largest.tick(T0, 0))).hasSize(1024);
    }
}
