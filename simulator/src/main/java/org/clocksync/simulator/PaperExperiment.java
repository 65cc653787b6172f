package org.clocksync.simulator;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.clocksync.core.Durations;
import org.clocksync.core.clock.ClockLimits;
import org.clocksync.core.clock.ServiceClockConfig;
import org.clocksync.core.clock.SimulatedHardwareClock;
import org.clocksync.core.cristian.ProbabilisticReader.Rule;
import org.clocksync.core.cristian.ProbabilisticReader;
import org.clocksync.core.cristian.ResyncPlanner;

/**
 * Alari and Ciuffoletti's experiment (Real-Time Systems 13, 1997, Table 1) replayed in the simulator: one client reads
 * one server over a link with Weibull delays under both reading rules, with the same seed, so the rules can be
 * compared on the same network and the comparison is exactly reproducible.
 *
 * <p>Both runs use one simulator seed each, the same one; every attempt draws two delays (request, then reply) in
 * order, so attempt n of both rules sees the same network. The measures, per rule:
 * <ul>
 *   <li>mean RTT: the mean round trip of every reply, on the client's clock;</li>
 *   <li>rapports: cycles that ended synchronized; unsynchronized cycles: those that ended after k failed attempts;</li>
 *   <li>mean bound, all replies: how well the server's time was known right after each reply (under Cristian the
 *       reading's own bound, under Alari-Ciuffoletti the intersection's); the closest match to the paper's "mean
 *       error", which looks like an average over all readings (Cristian's is exactly its mean delay / 2 - 3 us);</li>
 *   <li>mean bound at rapport: the error bound the rapports claimed;</li>
 *   <li>mean and max error: |estimate - the server's true clock| at each rapport, which only a simulation knows;</li>
 *   <li>outside bound: rapports whose true error exceeded their bound (zero while the assumptions hold);</li>
 *   <li>discarded readings and contradictions (Alari-Ciuffoletti readings that missed what was known entirely, also
 *       zero while the assumptions hold), in the result only;</li>
 *   <li>mean DNA (delay to next attempt): from each rapport to the first request of the next cycle, which
 *       {@link ResyncPlanner#delayToNextAttemptNanos} sets from the bound reached, rounded up to the client's tick;</li>
 *   <li>messages per second: requests plus replies over the time from the first request to when attempt
 *       {@code attempts + 1} would have been sent.</li>
 * </ul>
 */
public final class PaperExperiment {
    public static final int MAX_ATTEMPTS = 100_000;
    static final int SERVER_ID = 1;
    static final int CLIENT_ID = 2;
    private static final long SERVER_TICK_NANOS = Simulator.MAX_TICK_PERIOD_NANOS;

    private PaperExperiment() {
    }

    /**
     * @param oneWayDelay       each message's delay, both directions
     * @param reader            epsilon, k, W, the minimum delay and drift bound the reader assumes
     * @param accuracyNanos     the target accuracy the resynchronization plan keeps
     * @param clientDriftPpm    the client's real drift against real time (within the bound)
     * @param serverDriftPpm    the server's real drift against real time (within the bound)
     * @param clientOffsetNanos the client's clock minus the server's at the start
     * @param tickNanos         the client's timer period: cycles and attempts start on its ticks
     */
    public record Params(DelayModel.Weibull oneWayDelay, ProbabilisticReader.Params reader, long accuracyNanos,
                         double clientDriftPpm, double serverDriftPpm, long clientOffsetNanos, long tickNanos) {
        public Params {
            Objects.requireNonNull(oneWayDelay, "oneWayDelay");
            Objects.requireNonNull(reader, "reader");
            if (reader.minDelayNanos() > oneWayDelay.minNanos()) {
                throw new IllegalArgumentException("the reader assumes a minimum delay of " + Durations.format(reader.minDelayNanos())
                        + " but the link's is " + Durations.format(oneWayDelay.minNanos()));
            }
            if (Math.abs(clientDriftPpm) > reader.maxDriftPpm() || Math.abs(serverDriftPpm) > reader.maxDriftPpm()) {
                throw new IllegalArgumentException("client and server drifts (" + clientDriftPpm + ", " + serverDriftPpm
                        + " ppm) must be within the reader's drift bound of " + reader.maxDriftPpm() + " ppm");
            }
            if (!ClockLimits.isValidOffset(clientOffsetNanos)) {
                throw new IllegalArgumentException("client offset " + clientOffsetNanos + " ns is beyond ten years");
            }
            if (tickNanos < Simulator.MIN_TICK_PERIOD_NANOS || tickNanos > reader.attemptSpacingNanos()) {
                throw new IllegalArgumentException("the client's tick must be in " + Simulator.MIN_TICK_PERIOD_NANOS
                        + " ns..the attempt spacing " + reader.attemptSpacingNanos() + " ns, got " + tickNanos);
            }
            // Fails now if k attempts spaced W cannot fit in the plan even at the worst bound a rapport can have.
            ResyncPlanner.delayToNextAttemptNanos(accuracyNanos, reader.epsilonNanos() - 1, reader.maxDriftPpm(),
                    reader.maxAttempts(), reader.attemptSpacingNanos());
        }
    }

    /** One rule's figures; means are 0 when there was nothing to average. */
    public record RuleResult(Rule rule, int attempts, int rapports, int unsynchronizedCycles, long meanRttNanos,
                             long meanReplyBoundNanos, long meanBoundNanos, long meanErrorNanos, long maxErrorNanos, int errorsOutsideBound,
                             long meanDnaNanos, double messagesPerSecond, long discardedReadings, long contradictions,
                             long measuredNanos) {
    }

    /** The parameters of docs/probabilistic-reading.md: a 1990s Ethernet segment like the paper's (why each, there). */
    public static Params paperLike() {
        long minDelayNanos = 50_000L;
        DelayModel.Weibull oneWay = new DelayModel.Weibull(2.0, 780_000L, minDelayNanos); // mean 741 us, RTT ~1.5 ms
        ProbabilisticReader.Params reader = new ProbabilisticReader.Params(
                500_000L,          // epsilon: about a quarter of single readings qualify, as the paper's cost implies
                8,                 // k
                1_000_000_000L,    // W
                minDelayNanos,
                25.0);             // rho: Table 1's DNA gap over its error gap is ~53 ppm/s, i.e. 2 rho
        return new Params(oneWay, reader,
                2_100_000L,        // accuracy: puts Cristian's mean DNA at the paper's ~27 s
                20.0, -15.0,       // real drifts, opposite ways, 35 of the 50 ppm the bound allows between them
                250_000_000L, 10_000_000L);
    }

    /** Runs both rules, Cristian first, each for {@code attempts} attempts from the same seed. */
    public static List<RuleResult> run(long seed, int attempts, Params params) {
        if (attempts < 1 || attempts > MAX_ATTEMPTS) {
            throw new IllegalArgumentException("attempts must be in 1.." + MAX_ATTEMPTS + ", got " + attempts);
        }
        Objects.requireNonNull(params, "params");
        List<RuleResult> results = new ArrayList<>(Rule.values().length);
        for (Rule rule : Rule.values()) {
            results.add(runRule(seed, attempts, params, rule));
        }
        return results;
    }

    private static RuleResult runRule(long seed, int attempts, Params params, Rule rule) {
        Simulator sim = new Simulator(seed);
        long startNanos = sim.nowNanos();
        sim.setLinkDelay(CLIENT_ID, SERVER_ID, params.oneWayDelay());
        sim.setLinkDelay(SERVER_ID, CLIENT_ID, params.oneWayDelay());
        SimulatedHardwareClock serverClock = new SimulatedHardwareClock(0, params.serverDriftPpm(), startNanos);
        SimulatedHardwareClock clientClock = new SimulatedHardwareClock(params.clientOffsetNanos(), params.clientDriftPpm(), startNanos);
        sim.addNode(SERVER_ID, serverClock, ServiceClockConfig.defaults(), SERVER_TICK_NANOS,
                (id, clock) -> new ProbabilisticServerProcess(clock), startNanos);
        ProbabilisticClientProcess[] started = new ProbabilisticClientProcess[1];
        sim.addNode(CLIENT_ID, clientClock, ServiceClockConfig.defaults(), params.tickNanos(), (id, clock) -> {
            started[0] = new ProbabilisticClientProcess(SERVER_ID, clock, serverClock,
                    new ProbabilisticReader("server", rule, params.reader()), params.accuracyNanos(), attempts);
            return started[0];
        }, startNanos + params.tickNanos());
        // Every cycle lasts at most the plan's longest interval plus k attempts; past that something loops.
        ProbabilisticReader.Params r = params.reader();
        double cycleNanos = ResyncPlanner.maxIntervalNanos(params.accuracyNanos(), 0, r.maxDriftPpm())
                + 2.0 * r.maxAttempts() * r.attemptSpacingNanos();
        long runs = (long) Math.ceil(attempts * cycleNanos / Simulator.MAX_RUN_NANOS) + 2;
        sim.runUntil(() -> started[0] != null, sim.nowNanos() + params.tickNanos());
        ProbabilisticClientProcess client = started[0];
        for (long i = 0; i < runs && !client.done(); i++) {
            sim.runUntil(client::done, sim.nowNanos() + Simulator.MAX_RUN_NANOS);
        }
        if (!client.done()) {
            throw new IllegalStateException("the " + rule + " client made only " + client.attemptsSent() + " of " + attempts
                    + " attempts in " + runs + " simulated days");
        }
        return new RuleResult(rule, client.attemptsSent(), client.rapports(), client.unsynchronizedCycles(),
                mean(client.rttSumNanos(), client.repliesReceived()), mean(client.replyBoundSumNanos(), client.judgedReplies()),
                mean(client.boundSumNanos(), client.rapports()),
                mean(client.errorSumNanos(), client.rapports()), client.maxErrorNanos(), client.errorsOutsideBound(),
                mean(client.dnaSumNanos(), client.dnaCount()),
                (client.attemptsSent() + client.repliesReceived()) * 1e9 / client.measuredNanos(),
                client.reader().discardedReadings(), client.reader().contradictions(), client.measuredNanos());
    }

    private static long mean(long sum, long count) {
        return count == 0 ? 0 : Math.round((double) sum / count);
    }

    /** The results as a Markdown table, delays and errors in microseconds as in the paper's Table 1. */
    public static String table(List<RuleResult> results) {
        StringBuilder out = new StringBuilder();
        out.append("| rule | attempts | rapports | unsync cycles | mean RTT (us) | mean bound, all replies (us)"
                + " | mean bound at rapport (us) | mean error at rapport (us) | max error (us) | outside bound"
                + " | mean DNA (s) | messages/s |\n");
        out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (RuleResult r : results) {
            out.append("| ").append(name(r.rule()))
                    .append(" | ").append(r.attempts())
                    .append(" | ").append(r.rapports())
                    .append(" | ").append(r.unsynchronizedCycles())
                    .append(" | ").append(micros(r.meanRttNanos()))
                    .append(" | ").append(micros(r.meanReplyBoundNanos()))
                    .append(" | ").append(micros(r.meanBoundNanos()))
                    .append(" | ").append(micros(r.meanErrorNanos()))
                    .append(" | ").append(micros(r.maxErrorNanos()))
                    .append(" | ").append(r.errorsOutsideBound())
                    .append(" | ").append(BigDecimal.valueOf(r.meanDnaNanos(), 9).setScale(2, RoundingMode.HALF_EVEN).toPlainString())
                    .append(" | ").append(String.format(Locale.ROOT, "%.3f", r.messagesPerSecond()))
                    .append(" |\n");
        }
        return out.toString();
    }

    /** One line naming every parameter, for the table's caption. */
    public static String describe(Params p) {
        ProbabilisticReader.Params r = p.reader();
        return String.format(Locale.ROOT, "one-way delay %s + Weibull(shape %s, scale %s); epsilon %s, k %d, W %s,"
                        + " min delay %s, drift bound %s ppm per clock; accuracy %s; client drift %+.1f ppm,"
                        + " server drift %+.1f ppm; client tick %s",
                Durations.format(p.oneWayDelay().minNanos()), p.oneWayDelay().shape(), Durations.format(p.oneWayDelay().scaleNanos()),
                Durations.format(r.epsilonNanos()), r.maxAttempts(), Durations.format(r.attemptSpacingNanos()),
                Durations.format(r.minDelayNanos()), r.maxDriftPpm(), Durations.format(p.accuracyNanos()),
                p.clientDriftPpm(), p.serverDriftPpm(), Durations.format(p.tickNanos()));
    }

    /** The paper's name for a rule. */
    public static String name(Rule rule) {
        return rule == Rule.CRISTIAN ? "Cristian" : "Alari-Ciuffoletti";
    }

    private static String micros(long nanos) {
        return BigDecimal.valueOf(nanos, 3).setScale(1, RoundingMode.HALF_EVEN).toPlainString();
    }
}
