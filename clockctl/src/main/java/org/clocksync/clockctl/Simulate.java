package org.clocksync.clockctl;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.clocksync.core.cristian.ProbabilisticReader;
import org.clocksync.simulator.PaperExperiment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code clockctl simulate}: replays Alari and Ciuffoletti's experiment in the seeded simulator, so anyone can check docs/probabilistic-reading.md. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Cristian's and Alari-Ciuffoletti's probabilistic clock reading, side by side in the simulator:"
                + " Weibull network delays, the same seed for both rules. Prints a Markdown table (see"
                + " docs/probabilistic-reading.md for the columns).",
                "Deterministic: the same seed and options print the same figures."})
public final class Simulate implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--seed", paramLabel = "N", description = "Simulator seed (default: ${DEFAULT-VALUE}).")
    long seed = 1997;

    @Option(names = "--attempts", paramLabel = "N",
            description = "Reading attempts per rule, 1.." + PaperExperiment.MAX_ATTEMPTS + " (default: ${DEFAULT-VALUE}).")
    int attempts = 1000;

    @Option(names = "--json", description = "Print the parameters and figures as JSON, units in the field names.")
    boolean json;

    @Option(names = "--epsilon", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "A reading counts if the server's time is known within this (default: 500us).")
    Long epsilonNanos;

    @Option(names = "--accuracy", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Target accuracy the resynchronization plan keeps (default: 2.1ms).")
    Long accuracyNanos;

    @Option(names = "--client-drift-ppm", paramLabel = "PPM",
            description = "The client's real drift, within the 25 ppm bound (default: +20).")
    Double clientDriftPpm;

    @Option(names = "--server-drift-ppm", paramLabel = "PPM",
            description = "The server's real drift, within the 25 ppm bound (default: -15).")
    Double serverDriftPpm;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (attempts < 1 || attempts > PaperExperiment.MAX_ATTEMPTS) {
            err.println("clockctl simulate: --attempts must be in 1.." + PaperExperiment.MAX_ATTEMPTS + ", got " + attempts);
            return 2;
        }
        PaperExperiment.Params params;
        List<PaperExperiment.RuleResult> results;
        try {
            params = params();
            results = PaperExperiment.run(seed, attempts, params);
        } catch (IllegalArgumentException e) {
            err.println("clockctl simulate: " + e.getMessage());
            return 2;
        }
        if (json) {
            out.println(toJsonText(params, results));
        } else {
            out.println("Probabilistic clock reading, seed " + seed + ", " + attempts + " attempts per rule");
            out.println(PaperExperiment.describe(params));
            out.println();
            out.print(PaperExperiment.table(results));
        }
        out.flush();
        return 0;
    }

    private PaperExperiment.Params params() {
        PaperExperiment.Params d = PaperExperiment.paperLike();
        ProbabilisticReader.Params r = d.reader();
        ProbabilisticReader.Params reader = new ProbabilisticReader.Params(epsilonNanos != null ? epsilonNanos : r.epsilonNanos(),
                r.maxAttempts(), r.attemptSpacingNanos(), r.minDelayNanos(), r.maxDriftPpm());
        return new PaperExperiment.Params(d.oneWayDelay(), reader, accuracyNanos != null ? accuracyNanos : d.accuracyNanos(),
                clientDriftPpm != null ? clientDriftPpm : d.clientDriftPpm(),
                serverDriftPpm != null ? serverDriftPpm : d.serverDriftPpm(), d.clientOffsetNanos(), d.tickNanos());
    }

    String toJsonText(PaperExperiment.Params p, List<PaperExperiment.RuleResult> results) throws IOException {
        return ClockCtlJson.write(SimulationReportJson.of(seed, attempts, p, results));
    }
}
