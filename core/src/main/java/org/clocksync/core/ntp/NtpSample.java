package org.clocksync.core.ntp;

/**
 * One NTP measurement: how far the server's clock is ahead of ours and the round trip it was measured over, plus
 * when it was taken, so that a filter can prefer the least-delayed and never reuse an old one.
 *
 * @param offsetNanos server clock minus client clock (theta in RFC 5905)
 * @param delayNanos  round trip minus the server's turnaround (delta in RFC 5905)
 * @param timeNanos   the client's clock when the reply arrived (T4)
 */
public record NtpSample(long offsetNanos, long delayNanos, long timeNanos) {
}
