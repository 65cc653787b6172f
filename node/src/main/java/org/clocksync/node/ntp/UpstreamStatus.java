package org.clocksync.node.ntp;

import java.util.Map;

/**
 * The {@code upstream} block of /status: polling of the upstream NTP server and what its last sample said; the
 * sample fields are null until one is accepted. {@code rejected} counts replies by reason label (a map: its keys are
 * the labels).
 */
public record UpstreamStatus(String address, long pollIntervalNanos, boolean reachable, String reach, long pollsSent,
        long replies, long unanswered, Map<String, Long> rejected, Integer stratum, Long lastOffsetNanos,
        Long lastDelayNanos, Long lastSampleAgeMillis, long corrections, Long lastCorrectionNanos,
        long heldCorrections) {
}
