package org.clocksync.node.role;

/** A member a Berkeley round left out, in the round's {@code excluded} list of /status. */
public record ExcludedMember(int id, String status, String reason) {
}
