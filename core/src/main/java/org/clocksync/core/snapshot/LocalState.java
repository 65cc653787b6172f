package org.clocksync.core.snapshot;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.clocksync.protocol.ProtocolLimits;

/**
 * What a node records of itself when it joins a snapshot. The daemon fills it at the instant of recording; every field
 * is bounded so that a node's part always fits one {@code SnapshotState} frame.
 *
 * @param serviceClockNanos the node's service clock reading at the recording
 * @param lamport           the node's Lamport counter at the recording: its frontier event in the cut
 * @param role              e.g. MASTER, SLAVE, CANDIDATE
 * @param epoch             the cluster epoch the node is in
 * @param lastRoundId       the last Berkeley round the node took part in (0: none)
 * @param extra             anything else worth showing (name, coordinator id, ...); kept sorted by key
 */
public record LocalState(long serviceClockNanos, long lamport, String role, long epoch, long lastRoundId,
                         Map<String, String> extra) {
    public static final int MAX_ROLE_CHARS = 32;
    public static final int MAX_EXTRA_ENTRIES = ProtocolLimits.MAX_SNAPSHOT_EXTRA_ENTRIES;
    public static final int MAX_EXTRA_KEY_CHARS = 32;
    public static final int MAX_EXTRA_VALUE_CHARS = 64;
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.-]{1," + MAX_EXTRA_KEY_CHARS + "}");

    public LocalState {
        if (lamport < 0) {
            throw new IllegalArgumentException("lamport must not be negative, got " + lamport);
        }
        Objects.requireNonNull(role, "role");
        if (role.length() > MAX_ROLE_CHARS) {
            throw new IllegalArgumentException("role is " + role.length() + " chars, the limit is " + MAX_ROLE_CHARS);
        }
        extra = Collections.unmodifiableSortedMap(sorted(extra));
        if (extra.size() > MAX_EXTRA_ENTRIES) {
            throw new IllegalArgumentException("extra has " + extra.size() + " entries, the limit is " + MAX_EXTRA_ENTRIES);
        }
        for (Map.Entry<String, String> entry : extra.entrySet()) {
            if (!KEY.matcher(entry.getKey()).matches()) {
                throw new IllegalArgumentException("extra key \"" + entry.getKey() + "\" must be 1.." + MAX_EXTRA_KEY_CHARS
                        + " of A-Z a-z 0-9 _ . -");
            }
            if (entry.getValue() == null || entry.getValue().length() > MAX_EXTRA_VALUE_CHARS) {
                throw new IllegalArgumentException("extra value of \"" + entry.getKey() + "\" must be a text of at most "
                        + MAX_EXTRA_VALUE_CHARS + " chars");
            }
        }
    }

    /** Without extras. */
    public static LocalState of(long serviceClockNanos, long lamport, String role, long epoch, long lastRoundId) {
        return new LocalState(serviceClockNanos, lamport, role, epoch, lastRoundId, Map.of());
    }

    private static SortedMap<String, String> sorted(Map<String, String> extra) {
        Objects.requireNonNull(extra, "extra");
        TreeMap<String, String> copy = new TreeMap<>();
        for (Map.Entry<String, String> entry : extra.entrySet()) {
            if (entry.getKey() == null) {
                throw new IllegalArgumentException("extra keys must not be null");
            }
            copy.put(entry.getKey(), entry.getValue());
        }
        return copy;
    }
}
