package org.clocksync.node.cluster;

import java.util.List;

/** The {@code cluster} block of /status: failure detection and elections as this node sees them. */
public record ClusterStatus(String election, String topology, long heartbeatIntervalNanos, String role,
        long epochTerm, boolean readyToLead, long staleFrames, long electionsStarted, long electionMessagesSent,
        long heartbeatsSent, long heartbeatsMissed, long peerMessagesDropped, Long lastSuspicionAgeMillis,
        Long lastRoleChangeAgeMillis, List<PeerStatus> peers, List<ElectionStatus> elections) {
}
