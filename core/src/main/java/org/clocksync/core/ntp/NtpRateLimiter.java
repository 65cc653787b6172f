package org.clocksync.core.ntp;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-client rate limiting for an NTP server, like chrony's {@code ratelimit}: a client may get {@code burst} answers
 * back to back and then one per {@code interval} on average, so one flooding address cannot take the server's time.
 *
 * <p>Each client is a token bucket kept as one number, its theoretical arrival time (the generic cell rate algorithm):
 * a request is allowed when that time is at most {@code (burst - 1) * interval} ahead of now, and an allowed request
 * moves it {@code interval} further. Refused requests cost nothing, so a client that backs off recovers after one
 * interval. The table holds at most {@code maxClients} addresses, least recently seen dropped first; a dropped client
 * starts again with a full burst. Times come from a monotonic clock passed in; nothing here reads one. Not
 * thread-safe.
 *
 * @param <K> the client key, e.g. an IP address
 */
public final class NtpRateLimiter<K> {
    /** chrony's {@code ratelimit} default interval: 2^3 s. */
    public static final long DEFAULT_INTERVAL_NANOS = 8_000_000_000L;
    /** chrony's {@code ratelimit} default burst. */
    public static final int DEFAULT_BURST = 8;
    public static final int DEFAULT_MAX_CLIENTS = 4096;
    public static final long MAX_INTERVAL_NANOS = 3_600_000_000_000L;
    public static final int MAX_BURST = 100_000;
    public static final int MAX_CLIENTS = 1_000_000;

    private final long intervalNanos;
    private final long toleranceNanos;
    private final int burst;
    private final int maxClients;
    private final LinkedHashMap<K, long[]> arrivals;
    private long allowed;
    private long refused;
    private long evicted;

    /**
     * @param intervalNanos average spacing allowed per client; 0 turns limiting off
     * @param burst         answers a fresh client may get at once, 1..{@link #MAX_BURST}
     * @param maxClients    addresses remembered, 1..{@link #MAX_CLIENTS}
     */
    public NtpRateLimiter(long intervalNanos, int burst, int maxClients) {
        if (intervalNanos < 0 || intervalNanos > MAX_INTERVAL_NANOS) {
            throw new IllegalArgumentException("interval must be 0 (off) up to 1 h, got " + intervalNanos + " ns");
        }
        if (burst < 1 || burst > MAX_BURST) {
            throw new IllegalArgumentException("burst must be 1.." + MAX_BURST + ", got " + burst);
        }
        if (maxClients < 1 || maxClients > MAX_CLIENTS) {
            throw new IllegalArgumentException("maxClients must be 1.." + MAX_CLIENTS + ", got " + maxClients);
        }
        this.intervalNanos = intervalNanos;
        this.toleranceNanos = (burst - 1) * intervalNanos;
        this.burst = burst;
        this.maxClients = maxClients;
        this.arrivals = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, long[]> eldest) {
                if (size() > NtpRateLimiter.this.maxClients) {
                    evicted++;
                    return true;
                }
                return false;
            }
        };
    }

    /** Whether limiting is on (a positive interval). */
    public boolean enabled() {
        return intervalNanos > 0;
    }

    /** True when {@code client} may be answered at {@code nowNanos} (monotonic); records the answer if so. */
    public boolean tryAcquire(K client, long nowNanos) {
        if (intervalNanos == 0) {
            allowed++;
            return true;
        }
        long[] tat = arrivals.get(client);
        if (tat == null) {
            arrivals.put(client, new long[] {nowNanos + intervalNanos});
            allowed++;
            assert arrivals.size() <= maxClients;
            return true;
        }
        if (tat[0] - nowNanos > toleranceNanos) {
            refused++;
            return false;
        }
        tat[0] = (tat[0] - nowNanos > 0 ? tat[0] : nowNanos) + intervalNanos;
        allowed++;
        return true;
    }

    /** Clients remembered now, at most maxClients. */
    public int clients() {
        return arrivals.size();
    }

    public long allowed() {
        return allowed;
    }

    public long refused() {
        return refused;
    }

    /** Clients forgotten to keep the table within its bound. */
    public long evicted() {
        return evicted;
    }

    public long intervalNanos() {
        return intervalNanos;
    }

    public int burst() {
        return burst;
    }
}
