package org.clocksync.core.ntp;

import java.util.Optional;

/**
 * RFC 5905's clock filter reduced to its core: an eight-stage register of the latest samples whose least-delayed one
 * is used, because the sample that spent least time on the wire has the least room for asymmetric delay.
 *
 * <p>A selected sample is handed out once: if the best sample is not newer than the last one returned, {@link #add}
 * returns empty, so the same measurement is never applied twice. Not thread-safe.
 */
public final class ClockFilter {
    /** Stages in the register, as in RFC 5905 (NSTAGE). */
    public static final int STAGES = 8;

    private final NtpSample[] stages = new NtpSample[STAGES];
    private int count;
    private int next;
    private long lastUsedTimeNanos = Long.MIN_VALUE;
    private boolean used;

    /** Shifts {@code sample} in (dropping the oldest of eight) and returns the best sample if it has not been used yet. */
    public Optional<NtpSample> add(NtpSample sample) {
        if (sample == null) {
            throw new IllegalArgumentException("sample must not be null");
        }
        stages[next] = sample;
        next = (next + 1) % STAGES;
        count = Math.min(count + 1, STAGES);
        NtpSample best = best().orElseThrow();
        if (used && best.timeNanos() <= lastUsedTimeNanos) {
            return Optional.empty();
        }
        used = true;
        lastUsedTimeNanos = best.timeNanos();
        return Optional.of(best);
    }

    /** The least-delayed sample in the register (the newest of equals), or empty before the first. */
    public Optional<NtpSample> best() {
        NtpSample best = null;
        for (int i = 0; i < count; i++) {
            NtpSample s = stages[i];
            if (best == null || s.delayNanos() < best.delayNanos()
                    || (s.delayNanos() == best.delayNanos() && s.timeNanos() > best.timeNanos())) {
                best = s;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Samples held, at most {@link #STAGES}. */
    public int size() {
        return count;
    }

    /** Forgets every sample, e.g. when the server changes. */
    public void clear() {
        java.util.Arrays.fill(stages, null);
        count = 0;
        next = 0;
        used = false;
        lastUsedTimeNanos = Long.MIN_VALUE;
    }
}
