package org.clocksync.core.logical;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How a process object reports its counter to the master object. A Byzantine PO steps as an honest one does but
 * lies in every report, and follows none of the offsets it is sent (receiving one is just an event to it).
 */
public enum ByzantineBehaviour {
    /** Reports its counter. */
    HONEST("honest"),
    /** Reports a uniformly random value in 0..{@link #RANDOM_MAX}. */
    RANDOM("random"),
    /** Always reports {@link #CONSTANT_LIE}. */
    CONSTANT("constant"),
    /**
     * Two-faced: alternates between {@link #TWO_FACED_SWING} above and below its real counter (not below 0) on
     * consecutive reports, so the MO hears a different story each time and never the truth.
     */
    TWO_FACED("two-faced");

    public static final long RANDOM_MAX = 1_000_000_000_000L;
    public static final long CONSTANT_LIE = 1_000_000_000L;
    public static final long TWO_FACED_SWING = 1_000_000L;

    private final String optionName;

    ByzantineBehaviour(String optionName) {
        this.optionName = optionName;
    }

    /** The name {@code --byzantine} takes. */
    public String optionName() {
        return optionName;
    }

    public boolean isByzantine() {
        return this != HONEST;
    }

    /** The counter this PO reports when its real one is {@code counter}; {@code reportIndex} counts reports from 0. */
    public long report(long counter, long reportIndex, SplittableRandom random) {
        return switch (this) {
            case HONEST -> counter;
            case RANDOM -> random.nextLong(RANDOM_MAX + 1);
            case CONSTANT -> CONSTANT_LIE;
            case TWO_FACED -> reportIndex % 2 == 0
                    ? LogicalCounter.clamp(LogicalCounter.saturatingAdd(counter, TWO_FACED_SWING))
                    : Math.max(0, counter - TWO_FACED_SWING);
        };
    }

    /** {@code random}, {@code constant} or {@code two-faced} (any case); throws with the accepted names otherwise. */
    public static ByzantineBehaviour parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (ByzantineBehaviour b : values()) {
            if (b != HONEST && (b.optionName.equals(t) || b.name().toLowerCase(Locale.ROOT).equals(t))) {
                return b;
            }
        }
        throw new IllegalArgumentException("--byzantine takes random, constant or two-faced, got '" + text + "'");
    }
}
