package org.clocksync.master;

import java.util.concurrent.Callable;
import org.clocksync.node.DaemonLauncher;
import org.clocksync.node.config.DaemonOptions;
import org.clocksync.node.role.MasterRole;
import org.clocksync.node.role.logical.LogicalMasterRole;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code master-daemon}: runs Berkeley rounds over every slave that joins and serves its time. */
@Command(name = "master-daemon", mixinStandardHelpOptions = true, version = "clocksync 0.1.0",
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Runs the clocksync master: every --interval it polls each connected slave, leaves out"
                + " readings too far from the median, averages the rest with its own clock, and sends each"
                + " slave its own correction.",
                "Example: master-daemon --id 5 --name LAB --listen 127.0.0.1:7105 --admin 127.0.0.1:8105"})
public final class MasterDaemon implements Callable<Integer> {
    @Mixin
    DaemonOptions options = new DaemonOptions();

    @Override
    public Integer call() {
        if (options.listen == null) {
            options.listen = new org.clocksync.protocol.HostPort("127.0.0.1", 7700);
        }
        if (options.admin == null) {
            options.admin = new org.clocksync.protocol.HostPort("127.0.0.1", 8700);
        }
        String problem = options.byzantine != null ? "--byzantine is for process objects (slave-daemon --clock"
                + " logical); the master object is trusted, drop --byzantine here" : null;
        if (options.logical()) {
            return DaemonLauncher.run("master-daemon", options, problem, LogicalMasterRole::new);
        }
        return DaemonLauncher.run("master-daemon", options, problem, MasterRole::new);
    }

    public static void main(String[] args) {
        System.exit(DaemonLauncher.execute(new MasterDaemon(), args));
    }
}
