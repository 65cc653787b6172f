package org.clocksync.node.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.List;
import org.clocksync.node.cluster.ClusterStatus;
import org.clocksync.node.ntp.NtpStatus;
import org.clocksync.node.ntp.UpstreamStatus;
import org.clocksync.node.role.RoleStatus;
import org.clocksync.node.runtime.TrackingStatus;

/**
 * The /status document (README "What a node reports"; the dashboard, clockctl and the ITs read it). The role's fields
 * are written at the top level; {@code ntp}, {@code upstream} and {@code cluster} appear only when the node runs
 * them, every other null field is written as null.
 */
public record NodeStatus(int id, String name, String role, int coordinatorId, long epoch,
        long clockOffsetFromHostNanos, long hostTimeNanos, long serviceTimeNanos, long lamport, long uptimeSeconds,
        ClockStatus clock, TrackingStatus tracking, String listen, String admin, List<ListedPeer> peers,
        int openConnections, SecurityStatus security,
        @JsonInclude(JsonInclude.Include.NON_NULL) NtpStatus ntp,
        @JsonInclude(JsonInclude.Include.NON_NULL) UpstreamStatus upstream,
        @JsonUnwrapped RoleStatus roleStatus,
        @JsonInclude(JsonInclude.Include.NON_NULL) ClusterStatus cluster) {
}
