package org.clocksync.node.ntp;

import java.net.InetAddress;
import org.clocksync.core.ntp.NtpReference;
import org.clocksync.core.ntp.NtpReferences;
import org.clocksync.node.runtime.HostClock;
import org.clocksync.node.runtime.NodeContext;

/**
 * Reads a node's clocks and role for the NTP server; called only on the node's protocol event loop, where the service
 * clock lives, so it needs no locks.
 */
final class NodeNtpTimeSource implements NtpTimeSource {
    private final NodeContext ctx;
    private final NtpRoleView role;
    private final int masterStratum;
    private InetAddress lastUpstream;
    private int lastUpstreamId;

    NodeNtpTimeSource(NodeContext ctx, NtpRoleView role, int masterStratum) {
        this.ctx = ctx;
        this.role = role;
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
        return ctx.clock.readNanos(hostNanos);
    }

    @Override
    public NtpReference reference(long hostNanos) {
        long serviceNanos = ctx.clock.readNanos(hostNanos);
        long lastCorrectionHostNanos = ctx.lastAdjustHostNanos();
        if (role.master()) {
            long since = hostNanos - (lastCorrectionHostNanos != 0 ? lastCorrectionHostNanos : ctx.startedHostNanos);
            return NtpReferences.master(masterStratum, serviceNanos - Math.max(0, since));
        }
        if (lastCorrectionHostNanos == 0) {
            return NtpReferences.unsynchronized();
        }
        long since = Math.max(0, hostNanos - lastCorrectionHostNanos);
        long roundTrip = 0;
        NtpUpstream upstream = role.upstream();
        if (upstream != null) {
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
