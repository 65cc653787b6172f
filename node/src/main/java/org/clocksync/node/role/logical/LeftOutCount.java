package org.clocksync.node.role.logical;

/** How often the master object left one object out of its rounds, in the {@code leftOutCounts} list of /status. */
public record LeftOutCount(int id, String name, long rounds, long excluded, long suspect) {
}
