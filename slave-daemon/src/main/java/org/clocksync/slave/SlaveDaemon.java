package org.clocksync.slave;

import java.util.concurrent.Callable;
import org.clocksync.node.DaemonLauncher;
import org.clocksync.node.config.DaemonOptions;
import org.clocksync.node.role.SlaveRole;
import org.clocksync.node.role.logical.LogicalProcessRole;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code slave-daemon}: follows the master's Berkeley rounds and keeps its service clock on the cluster's time. */
@Command(name = "slave-daemon", mixinStandardHelpOptions = true, version = "clocksync 0.1.0",
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Runs a clocksync slave: joins the master at --master, answers its polls and applies the"
                + " corrections it sends (slewed, never backwards; a first large offset is stepped once).",
                "Example: slave-daemon --id 1 --name KMC --master 127.0.0.1:7105 --listen 127.0.0.1:7101"
                        + " --admin 127.0.0.1:8101 --sim-offset 2.5s --sim-drift-ppm 40"})
public final class SlaveDaemon implements Callable<Integer> {
    @Mixin
    DaemonOptions options = new DaemonOptions();

    @Override
    public Integer call() {
        String problem = options.master == null
                ? "--master HOST:PORT is required: where the master listens, e.g. --master 127.0.0.1:7700" : null;
        if (options.logical()) {
            return DaemonLauncher.run("slave-daemon", options, problem, LogicalProcessRole::new);
        }
        return DaemonLauncher.run("slave-daemon", options, problem, SlaveRole::new);
    }

    public static void main(String[] args) {
        System.exit(DaemonLauncher.execute(new SlaveDaemon(), args));
    }
}
