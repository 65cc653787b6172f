package org.clocksync.node.config;

import java.util.Locale;

/** A switch written {@code on} or {@code off} on the command line. */
public enum OnOff {
    ON,
    OFF;

    public boolean on() {
        return this == ON;
    }

    /** As written on the command line. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
