package org.clocksync.node.role;

/** One connected member in the {@code members} list of a master's /status. */
public record MemberStatus(int id, String name, String address, long connectedSeconds) {
}
