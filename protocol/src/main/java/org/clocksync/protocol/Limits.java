package org.clocksync.protocol;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Argument checks shared by the message records; a violation is an IllegalArgumentException naming the field. */
final class Limits {
    private Limits() {
    }

    static void checkText(String field, String value, int maxBytes) {
        if (value == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
        checkWellFormed(field, value);
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxBytes) {
            throw new IllegalArgumentException(field + " is " + bytes + " bytes of UTF-8, the limit is " + maxBytes);
        }
    }

    /** An unpaired surrogate would silently become '?' in UTF-8, so the peer would decode a different string. */
    private static void checkWellFormed(String field, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(field + " has an unpaired surrogate at index " + i + ", which UTF-8 cannot carry");
            }
        }
    }

    static void checkNonNegative(String field, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(field + " must not be negative, got " + value);
        }
    }

    static void checkNodeId(String field, int id) {
        if (id <= 0) {
            throw new IllegalArgumentException(field + " must be a positive node id, got " + id);
        }
    }

    static List<Integer> checkIds(String field, List<Integer> ids) {
        if (ids == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
        if (ids.size() > ProtocolLimits.MAX_IDS) {
            throw new IllegalArgumentException(field + " has " + ids.size() + " ids, the limit is " + ProtocolLimits.MAX_IDS);
        }
        for (Integer id : ids) {
            if (id == null || id <= 0) {
                throw new IllegalArgumentException(field + " holds " + id + ", node ids are positive");
            }
        }
        return List.copyOf(ids);
    }
}
