package org.clocksync.protocol.ntp;

/**
 * The 48-byte NTP header (RFC 5905 figure 8) as plain values, so that the server logic can be written and tested
 * without a buffer in sight. Timestamps are raw NTP 64-bit values (see {@link NtpTimestamp}); root delay and root
 * dispersion are raw short-format bits (see {@link NtpShort}).
 *
 * @param leapIndicator       0 no warning, 1 and 2 a leap second today, 3 unsynchronized (alarm)
 * @param version             0..7 as the 3-bit field allows; a server reads 1..4
 * @param mode                0..7; 3 client, 4 server
 * @param stratum             0..255; 1 primary, 2..15 secondary, 16 unsynchronized, 0 a kiss-o'-death
 * @param poll                log2 of the poll interval in seconds, signed
 * @param precision           log2 of the clock's precision in seconds, signed, e.g. -20 for about 1 us
 * @param rootDelayShort      round trip to the reference clock, NTP short format
 * @param rootDispersionShort error bound to the reference clock, NTP short format
 * @param referenceId         four ASCII characters for stratum 1, the upstream IPv4 address (or a hash) above
 * @param referenceTimestamp  when the clock was last set or corrected
 * @param originTimestamp     the client's transmit timestamp, copied back verbatim
 * @param receiveTimestamp    when the request arrived at the server
 * @param transmitTimestamp   when the packet left its sender
 */
public record NtpPacket(int leapIndicator, int version, int mode, int stratum, int poll, int precision,
        int rootDelayShort, int rootDispersionShort, int referenceId, long referenceTimestamp, long originTimestamp,
        long receiveTimestamp, long transmitTimestamp) {

    /** The header length; anything after it (extension fields, a MAC) is not read. */
    public static final int LENGTH = 48;
    public static final int MODE_CLIENT = 3;
    public static final int MODE_SERVER = 4;
    public static final int LEAP_NONE = 0;
    public static final int LEAP_UNSYNCHRONIZED = 3;
    public static final int STRATUM_PRIMARY = 1;
    public static final int STRATUM_UNSYNCHRONIZED = 16;
    /** The highest version this code reads; it answers 1..4 with the version it was asked in. */
    public static final int MAX_VERSION = 4;

    public NtpPacket {
        check("leapIndicator", leapIndicator, 0, 3);
        check("version", version, 0, 7);
        check("mode", mode, 0, 7);
        check("stratum", stratum, 0, 255);
        check("poll", poll, Byte.MIN_VALUE, Byte.MAX_VALUE);
        check("precision", precision, Byte.MIN_VALUE, Byte.MAX_VALUE);
    }

    private static void check(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " must be in " + min + ".." + max + ", got " + value);
        }
    }

    /** A minimal client request (mode 3), as an NTP client such as chronyd or ntpdate sends it. */
    public static NtpPacket clientRequest(int version, int poll, long transmitTimestamp) {
        return new NtpPacket(LEAP_NONE, version, MODE_CLIENT, 0, poll, 0, 0, 0, 0, 0, 0, 0, transmitTimestamp);
    }

    /** The same packet with another transmit timestamp, as set at the last moment before sending. */
    public NtpPacket withTransmitTimestamp(long timestamp) {
        return new NtpPacket(leapIndicator, version, mode, stratum, poll, precision, rootDelayShort,
                rootDispersionShort, referenceId, referenceTimestamp, originTimestamp, receiveTimestamp, timestamp);
    }

    /** The reference id as text when it is printable ASCII (a stratum-1 source name such as LOCL), else dotted IPv4. */
    public String referenceIdText() {
        return referenceIdText(referenceId);
    }

    /** See {@link #referenceIdText()}. */
    public static String referenceIdText(int referenceId) {
        StringBuilder ascii = new StringBuilder(4);
        boolean printable = true;
        for (int shift = 24; shift >= 0; shift -= 8) {
            int c = (referenceId >>> shift) & 0xFF;
            if (c == 0 && shift < 24) {
                break;
            }
            if (c < 0x20 || c > 0x7E) {
                printable = false;
                break;
            }
            ascii.append((char) c);
        }
        if (printable && ascii.length() > 0) {
            return ascii.toString();
        }
        return ((referenceId >>> 24) & 0xFF) + "." + ((referenceId >>> 16) & 0xFF) + "." + ((referenceId >>> 8) & 0xFF)
                + "." + (referenceId & 0xFF);
    }

    /** Four ASCII characters (shorter names are padded with zero bytes) as a reference id. */
    public static int referenceIdOf(String ascii) {
        if (ascii == null || ascii.isEmpty() || ascii.length() > 4) {
            throw new IllegalArgumentException("a reference id name is 1 to 4 ASCII characters, got '" + ascii + "'");
        }
        int id = 0;
        for (int i = 0; i < 4; i++) {
            int c = i < ascii.length() ? ascii.charAt(i) : 0;
            if (i < ascii.length() && (c < 0x20 || c > 0x7E)) {
                throw new IllegalArgumentException("a reference id name is printable ASCII, got '" + ascii + "'");
            }
            id = (id << 8) | c;
        }
        return id;
    }
}
