package org.clocksync.protocol.auth;

/** A key file that cannot be used; the message names the file and says what to do. */
public final class KeyFileException extends Exception {
    public KeyFileException(String message) {
        super(message);
    }
}
