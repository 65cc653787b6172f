package org.clocksync.core.cluster;

/** What a node is in the cluster right now; /status shows it as role MASTER, SLAVE or CANDIDATE. */
public enum ClusterRole {
    COORDINATOR, FOLLOWER, CANDIDATE
}
