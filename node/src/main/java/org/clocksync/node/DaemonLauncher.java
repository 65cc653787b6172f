package org.clocksync.node;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.clocksync.node.config.DaemonOptions;
import org.clocksync.node.role.Role;
import org.clocksync.node.role.RoleHost;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** Starts a node from parsed options, prints one clear line on bad input, and runs until the process is stopped. */
public final class DaemonLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(DaemonLauncher.class);

    private DaemonLauncher() {
    }

    /** Parses {@code args} into {@code command} with one-line errors; returns the exit code. */
    public static int execute(Object command, String[] args) {
        CommandLine cli = new CommandLine(command);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println(ex.getCommandLine().getCommandName() + ": " + ex.getMessage());
            err.println("Try '" + ex.getCommandLine().getCommandName() + " --help' for the options.");
            return 2;
        });
        return cli.execute(args);
    }

    /** Checks the options, starts the node and blocks until shutdown; returns the exit code. */
    public static int run(String program, DaemonOptions options, String extraProblem, Function<RoleHost, Role> role) {
        String problem = extraProblem != null ? extraProblem : options.problem();
        if (problem != null) {
            System.err.println(program + ": " + problem);
            System.err.println("Try '" + program + " --help' for the options.");
            return 2;
        }
        Node node;
        try {
            node = new Node(options, role).start();
        } catch (IllegalStateException | IllegalArgumentException e) {
            System.err.println(program + ": " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("event=stopping id={}", options.id);
            node.close();
            stopped.countDown();
        }, "clocksync-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
