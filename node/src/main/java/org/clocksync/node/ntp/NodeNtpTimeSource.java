package org.clocksync.node.ntp;

import java.net.InetAddress;
import org.clocksync.core.ntp.NtpReference;
import org.clocksync.core.ntp.NtpReferences;
import org.clocksync.node.runtime.HostClock;
import org.clocksync.node.Node;
import org.clocksync.node.runtime.NodeContext;
import org.clocksync.node.role.Role;

/**
 * Reads a node's clocks and role for the NTP server; called only on the node's protocol event loop, where the service
 * clock lives, so it needs no locks.
 */
final class NodeNtpTimeSource implements NtpTimeSource {
    private final Node node;
    private final int masterStratum;
    private InetAddress lastUpstream;
    private int lastUpstreamId;

    NodeNtpTimeSource(Node node, int masterStratum) {
        this.node = node;
        this.masterStratum = masterStratum;
    }

    @Override
    public long hostNanos() {
        return HostClock.nowNanos();
    }

    @Override
    public long monotonicNanos() {
        return System.nanoTime();
    }

    @Override
    public long serviceNanos(long hostNanos) {
        return node.context().clock.readNanos(hostNanos);
    }

    @Override
    public NtpReference reference(long hostNanos) {
        NodeContext ctx = node.context();
        Role role = node.role();
        long serviceNanos = ctx.clock.readNanos(hostNanos);
        long lastCorrectionHostNanos = ctx.lastAdjustHostNanos();
        if ("MASTER".equals(role.name())) {
            long since = hostNanos - (lastCorrectionHostNanos != 0 ? lastCorrectionHostNanos : ctx.startedHostNanos);
            return NtpReferences.master(masterStratum, serviceNanos - Math.max(0, since));
        }
        if (lastCorrectionHostNanos == 0) {
            return NtpReferences.unsynchronized();
        }
        long since = Math.max(0, hostNanos - lastCorrectionHostNanos);
        long roundTrip = 0;
        if (role instanceof NtpUpstream upstream) {
            roundTrip = upstream.upstreamRoundTripNanos();
            InetAddress address = upstream.upstreamAddress();
            if (address != null && !address.equals(lastUpstream)) {
                lastUpstream = address;
                lastUpstreamId = ReferenceIds.of(address);
            }
        }
        return NtpReferences.slave(masterStratum, lastUpstreamId, serviceNanos - since, since, roundTrip);
    }
}
