package org.clocksync.clockctl;

import org.clocksync.core.Durations;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A DURATION option ({@code 1ms}, {@code 2.5s}) in nanoseconds, read as the daemons read theirs. */
public final class DurationConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        try {
            return Durations.parseNanos(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
