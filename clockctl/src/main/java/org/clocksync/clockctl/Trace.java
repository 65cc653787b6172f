package org.clocksync.clockctl;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.clocksync.core.logical.TraceAnalysis;
import org.clocksync.core.logical.TraceEvent;
import org.clocksync.core.logical.TraceFormat;
import org.clocksync.core.logical.TraceMerge;
import org.clocksync.core.logical.VectorClock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code clockctl trace}: works on the files daemons write with --trace (docs/logical-time.md). */
@Command(name = "trace", mixinStandardHelpOptions = true,
        description = "Works on event traces written by daemons started with --trace FILE.",
        subcommands = {Trace.Merge.class})
public final class Trace implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("clockctl trace: name a command: merge. Try 'clockctl trace --help'.");
        return 2;
    }

    /** Merges node traces into one ShiViz log and answers happened-before questions about it. */
    @Command(name = "merge", mixinStandardHelpOptions = true,
            description = {"Merges the --trace files of several nodes into one log ShiViz loads (its default parser"
                    + " regular expression), events in Lamport order, vector entries named by node. Events are named"
                    + " NODE:INDEX, e.g. KMC:12, the 12th event of KMC.",
                    "The merged log goes to --output, or to standard output when no question is asked.",
                    "Exit code 1 when a file cannot be read or is not a trace, 2 for a bad option or an unknown event."})
    static final class Merge implements Callable<Integer> {
        private static final int MAX_LISTED_PROBLEMS = 20;

        @Spec
        CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "FILE", description = "Trace files, one per node (a merged file too).")
        List<Path> files = new ArrayList<>();

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the merged log to FILE.")
        Path output;

        @Option(names = "--happened-before", arity = "2", paramLabel = "EVENT",
                description = "Answer whether the first event happened before the second, the other way round, or"
                        + " they are concurrent.")
        List<String> happenedBefore;

        @Option(names = "--concurrent-with", paramLabel = "EVENT", description = "List every event concurrent with EVENT.")
        String concurrentWith;

        @Option(names = "--json", description = "Print the summary and the answers as JSON.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            List<TraceEvent> parsed = new ArrayList<>();
            for (Path file : files) {
                try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    parsed.addAll(TraceFormat.parse(reader, file.toString()));
                } catch (IOException e) {
                    err.println("clockctl trace merge: cannot read " + file + ": " + describe(e));
                    return 1;
                } catch (IllegalArgumentException e) {
                    err.println("clockctl trace merge: " + e.getMessage());
                    return 1;
                }
            }
            TraceMerge.Result merged;
            TraceAnalysis analysis;
            try {
                merged = TraceMerge.merge(parsed);
                analysis = new TraceAnalysis(merged.events());
            } catch (IllegalArgumentException e) {
                err.println("clockctl trace merge: " + e.getMessage());
                return 1;
            }
            TraceEvent a = null;
            TraceEvent b = null;
            TraceEvent pivot = null;
            try {
                if (happenedBefore != null) {
                    a = analysis.event(happenedBefore.get(0));
                    b = analysis.event(happenedBefore.get(1));
                }
                if (concurrentWith != null) {
                    pivot = analysis.event(concurrentWith);
                }
            } catch (IllegalArgumentException e) {
                err.println("clockctl trace merge: " + e.getMessage());
                return 2;
            }
            for (String warning : merged.warnings()) {
                err.println("clockctl trace merge: warning: " + warning);
            }
            List<String> problems = analysis.inconsistencies();
            for (String problem : problems.subList(0, Math.min(problems.size(), MAX_LISTED_PROBLEMS))) {
                err.println("clockctl trace merge: inconsistent: " + problem);
            }
            if (problems.size() > MAX_LISTED_PROBLEMS) {
                err.println("clockctl trace merge: ... and " + (problems.size() - MAX_LISTED_PROBLEMS) + " more inconsistencies");
            }
            if (output != null) {
                try (Writer w = new BufferedWriter(Files.newBufferedWriter(output, StandardCharsets.UTF_8))) {
                    writeLog(merged.events(), w);
                } catch (IOException e) {
                    err.println("clockctl trace merge: cannot write " + output + ": " + describe(e));
                    return 1;
                }
            }
            boolean questions = a != null || pivot != null;
            if (json) {
                out.println(ClockCtlJson.write(TraceSummaryJson.of(merged, analysis, problems, output, a, b, pivot)));
            } else if (questions) {
                if (a != null) {
                    out.println(relation(analysis, a, b));
                }
                if (pivot != null) {
                    List<TraceEvent> concurrent = analysis.concurrentWith(pivot);
                    out.println(concurrent.size() + " events concurrent with " + pivot.name() + " ("
                            + TraceFormat.eventLine(pivot) + "):");
                    for (TraceEvent e : concurrent) {
                        out.println(String.format(Locale.ROOT, "  %-12s %s", e.name(), TraceFormat.eventLine(e)));
                    }
                }
            } else if (output == null) {
                writeLog(merged.events(), out);
            } else {
                out.println(summary(merged, analysis) + " -> " + output);
            }
            out.flush();
            return 0;
        }

        private static void writeLog(List<TraceEvent> events, Writer w) throws IOException {
            for (TraceEvent e : events) {
                w.write(TraceFormat.format(e));
            }
            w.flush();
        }

        static String relation(TraceAnalysis analysis, TraceEvent a, TraceEvent b) {
            VectorClock.Order order = analysis.order(a, b);
            return switch (order) {
                case BEFORE -> a.name() + " happened before " + b.name();
                case AFTER -> a.name() + " did not happen before " + b.name() + ": " + b.name() + " happened before " + a.name();
                case CONCURRENT -> a.name() + " and " + b.name() + " are concurrent: neither happened before the other";
                case EQUAL -> a.name() + " and " + b.name() + " are the same event";
            };
        }

        private static String summary(TraceMerge.Result merged, TraceAnalysis analysis) {
            return String.format(Locale.ROOT, "merged %d events of %d nodes (%s): %d messages matched, %d receives"
                            + " without their send", merged.events().size(), analysis.nodes().size(),
                    String.join(", ", analysis.nodes()), analysis.messages().size(), analysis.unmatchedReceives().size());
        }

        private static String describe(IOException e) {
            String type = e.getClass().getSimpleName().replace("Exception", "");
            return switch (type) {
                case "NoSuchFile" -> "no such file";
                case "AccessDenied" -> "permission denied";
                default -> e.getMessage() != null ? e.getMessage() : type;
            };
        }
    }
}
