package org.clocksync.clockctl;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code clockctl}: asks running daemons what they are doing. */
@Command(name = "clockctl", mixinStandardHelpOptions = true, version = "clocksync 0.1.0",
        description = "Inspects running clocksync daemons.",
        subcommands = {ClockCtl.Status.class, Query.class, Simulate.class, SnapshotCommand.class, Trace.class})
public final class ClockCtl implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("clockctl: name a command: status, query, simulate, snapshot or trace. Try 'clockctl --help'.");
        return 2;
    }

    /** The status table, once or redrawn every second. */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"A table of nodes: role, coordinator, epoch, offset from the cluster mean and from the"
                    + " host clock, then as chronyc tracking shows them: RMS of the last 16 corrections, frequency"
                    + " correction and skew in ppm, reach of the last 8 rounds in octal (377: all came) and the age"
                    + " of the last round; peers, last round; per master each member's reach; then the spread"
                    + " (max - min offset from host).",
                    "Exit code 1 if any node is unreachable."})
    static final class Status implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "ADMIN", description = "Admin addresses HOST:PORT (or URLs).")
        List<String> admins = new ArrayList<>();

        @Option(names = "--json", description = "Print the nodes' /status documents as one JSON array.")
        boolean json;

        @Option(names = "--watch", description = "Redraw every second until interrupted (or --count times).")
        boolean watch;

        @Option(names = "--count", paramLabel = "N", description = "With --watch: stop after N tables.")
        long count = Long.MAX_VALUE;

        @Override
        public Integer call() throws Exception {
            if (admins.size() > 256) {
                System.err.println("clockctl status: at most 256 nodes at once");
                return 2;
            }
            StatusClient client = new StatusClient();
            boolean tty = System.console() != null;
            int exit = 0;
            for (long i = 0; i < (watch ? count : 1); i++) {
                long started = System.nanoTime();
                List<StatusClient.Result> results = admins.stream().map(client::fetch).toList();
                exit = results.stream().anyMatch(r -> r.status() == null) ? 1 : 0;
                String text = json ? toJson(results) + "\n" : StatusTable.render(results);
                if (watch && tty) {
                    System.out.print("\033[H\033[2J");
                }
                System.out.print(text);
                if (watch && !tty && !json) {
                    System.out.println();
                }
                System.out.flush();
                if (watch && i + 1 < count) {
                    long sleepMillis = 1000 - (System.nanoTime() - started) / 1_000_000;
                    if (sleepMillis > 0) {
                        Thread.sleep(sleepMillis);
                    }
                }
            }
            return exit;
        }

        static String toJson(List<StatusClient.Result> results) throws Exception {
            return ClockCtlJson.write(results.stream().map(NodeStatusJson::of).toList());
        }
    }

    /**
     * Runs one command line and returns the exit code: 0 done, 1 the command failed, 2 the command line is wrong (one
     * line naming the command and the problem, e.g. "clockctl query: Missing required parameter", and where to look).
     */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new ClockCtl());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            String command = ex.getCommandLine().getCommandSpec().qualifiedName();
            err.println(command + ": " + ex.getMessage());
            err.println("Try '" + command + " --help' for the options.");
            return 2;
        });
        return cli.execute(args);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }
}
