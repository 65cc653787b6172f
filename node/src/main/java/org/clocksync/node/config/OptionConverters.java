package org.clocksync.node.config;

import org.clocksync.core.Durations;
import org.clocksync.protocol.HostPort;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** picocli converters that turn option text into checked values with one clear message on error. */
public final class OptionConverters {
    private OptionConverters() {
    }

    /** {@code HOST:PORT}. */
    public static final class HostPortConverter implements ITypeConverter<HostPort> {
        @Override
        public HostPort convert(String value) {
            try {
                return HostPort.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** A signed duration in nanoseconds: {@code 2.5s}, {@code -300ms}, {@code 150us}. */
    public static final class DurationNanosConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return Durations.parseNanos(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code ID@HOST:PORT,...}. */
    public static final class PeerListConverter implements ITypeConverter<java.util.List<PeerSpec>> {
        @Override
        public java.util.List<PeerSpec> convert(String value) {
            try {
                return PeerSpec.parseList(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code [ID=]MIN..MAX}, e.g. {@code 0ms..50ms} or {@code 3=1ms..80ms}. */
    public static final class DelayBoundsConverter implements ITypeConverter<PeerDelayBounds> {
        @Override
        public PeerDelayBounds convert(String value) {
            try {
                return PeerDelayBounds.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code on} or {@code off}, exactly: a switch that reads the same in the command line as in the docs. */
    public static final class OnOffConverter implements ITypeConverter<OnOff> {
        @Override
        public OnOff convert(String value) {
            return switch (value) {
                case "on" -> OnOff.ON;
                case "off" -> OnOff.OFF;
                default -> throw new TypeConversionException("takes on or off, got " + value);
            };
        }
    }
}
