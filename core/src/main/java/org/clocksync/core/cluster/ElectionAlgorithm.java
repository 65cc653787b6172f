package org.clocksync.core.cluster;

/** Which election a cluster runs when its coordinator is suspected ({@code --election}). */
public enum ElectionAlgorithm {
    BULLY, RING
}
