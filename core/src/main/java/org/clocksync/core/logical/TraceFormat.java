package org.clocksync.core.logical;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The trace file format: ShiViz's default two-line layout, one pair of lines per event.
 *
 * <pre>
 * SEND lamport=17 msg=5:17 BERKELEY_POLL to=127.0.0.1:40312 BerkeleyPoll[requestId=8, roundId=12]
 * LAB {"LAB":9,"1":4}
 * </pre>
 *
 * The first line is the event: its kind, Lamport time, the message id for a send or receive
 * ({@code senderId:senderLamport}, the same on both sides), then free text. The second is the host and its vector
 * timestamp as JSON. ShiViz parses it with its default regular expression, {@link #SHIVIZ_REGEX}; this class reads
 * and writes exactly what that expression matches, so what a daemon writes, what {@code clockctl trace merge} reads
 * and what ShiViz loads are one format (docs/logical-time.md).
 */
public final class TraceFormat {
    /** The regular expression to give ShiViz (its default): the event line, a line break, the host, a space, the clock. */
    public static final String SHIVIZ_REGEX = "(?<event>.*)\\n(?<host>\\S*) (?<clock>{.*})";

    /** Host names: a letter first, then letters, digits, '.', '_' or '-'; at most 64 characters. */
    private static final Pattern HOST = Pattern.compile("[A-Za-z][A-Za-z0-9._-]{0,63}");
    private static final Pattern NODE_ID = Pattern.compile("[1-9][0-9]{0,9}");
    private static final Pattern EVENT = Pattern.compile(
            "(SEND|RECEIVE|INTERNAL) lamport=([0-9]{1,19})(?: msg=([0-9]{1,10}:[0-9]{1,19}))?(?: (.*))?");
    private static final Pattern CLOCK_LINE = Pattern.compile("(\\S+) (\\{.*\\})");
    private static final Pattern ENTRY = Pattern.compile("\\s*\"([^\"\\\\]*)\"\\s*:\\s*([0-9]{1,19})\\s*");

    /** Most events one parse accepts, so a huge or runaway file is refused with a message instead of exhausting memory. */
    public static final int MAX_EVENTS = 5_000_000;

    private TraceFormat() {
    }

    /** Whether {@code name} can be a trace host: one token ShiViz's regex reads whole, never mistaken for a node id. */
    public static boolean isHostName(String name) {
        return name != null && HOST.matcher(name).matches();
    }

    /** Whether {@code key} is a node id as a single node's trace names its peers. */
    public static boolean isNodeId(String key) {
        return NODE_ID.matcher(key).matches() && Long.parseLong(key) <= Integer.MAX_VALUE;
    }

    /** Both lines of one event, each ending in a line break. */
    public static String format(TraceEvent event) {
        return eventLine(event) + "\n" + clockLine(event) + "\n";
    }

    /** {@code KIND lamport=L[ msg=ID][ description]}. */
    public static String eventLine(TraceEvent event) {
        StringBuilder b = new StringBuilder(event.kind().name()).append(" lamport=").append(event.lamport());
        if (event.messageId() != null) {
            b.append(" msg=").append(event.messageId());
        }
        if (!event.description().isEmpty()) {
            b.append(' ').append(event.description());
        }
        return b.toString();
    }

    /** {@code HOST {"HOST":n,"other":m,...}}: the event's own entry first. */
    public static String clockLine(TraceEvent event) {
        StringBuilder b = new StringBuilder(event.node()).append(" {");
        appendEntry(b, event.node(), event.index());
        for (Map.Entry<String, Long> e : event.vector().entrySet()) {
            if (!e.getKey().equals(event.node())) {
                b.append(',');
                appendEntry(b, e.getKey(), e.getValue());
            }
        }
        return b.append('}').toString();
    }

    private static void appendEntry(StringBuilder b, String key, long value) {
        b.append('"').append(key).append("\":").append(value);
    }

    /** Parses a whole trace held in memory; {@code source} names it in error messages. */
    public static List<TraceEvent> parse(String text, String source) {
        try {
            return parse(new BufferedReader(new StringReader(text)), source);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads event/clock line pairs until the end; blank lines between events are skipped. A malformed line is an
     * IllegalArgumentException saying {@code source:line: what is wrong}.
     */
    public static List<TraceEvent> parse(BufferedReader reader, String source) throws IOException {
        List<TraceEvent> events = new ArrayList<>();
        int lineNo = 0;
        String eventLine = null;
        int eventLineNo = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            lineNo++;
            if (eventLine == null) {
                if (line.isBlank()) {
                    continue;
                }
                eventLine = line;
                eventLineNo = lineNo;
                continue;
            }
            if (events.size() >= MAX_EVENTS) {
                throw new IllegalArgumentException(source + ":" + lineNo + ": more than " + MAX_EVENTS
                        + " events; split the trace or merge fewer files");
            }
            events.add(parseEvent(eventLine, line, source, eventLineNo));
            eventLine = null;
        }
        if (eventLine != null) {
            throw new IllegalArgumentException(source + ":" + eventLineNo + ": the last event has no clock line"
                    + " (HOST {...}) after it; was the file cut short?");
        }
        return events;
    }

    private static TraceEvent parseEvent(String eventLine, String clockLine, String source, int lineNo) {
        Matcher event = EVENT.matcher(eventLine);
        if (!event.matches()) {
            throw new IllegalArgumentException(source + ":" + lineNo + ": expected an event line \"SEND|RECEIVE|INTERNAL"
                    + " lamport=N [msg=ID:N] text\", got \"" + abbreviate(eventLine) + "\"");
        }
        Matcher clock = CLOCK_LINE.matcher(clockLine);
        if (!clock.matches()) {
            throw new IllegalArgumentException(source + ":" + (lineNo + 1) + ": expected a clock line \"HOST {\\\"HOST\\\":N,...}\","
                    + " got \"" + abbreviate(clockLine) + "\"");
        }
        String host = clock.group(1);
        if (!isHostName(host)) {
            throw new IllegalArgumentException(source + ":" + (lineNo + 1) + ": host \"" + abbreviate(host)
                    + "\" is not a node name (a letter, then letters, digits, '.', '_', '-')");
        }
        SortedMap<String, Long> vector = parseClock(clock.group(2), source, lineNo + 1);
        Long own = vector.get(host);
        if (own == null || own < 1) {
            throw new IllegalArgumentException(source + ":" + (lineNo + 1) + ": the vector timestamp has no entry for"
                    + " its own host " + host);
        }
        TraceEvent.Kind kind = TraceEvent.Kind.valueOf(event.group(1));
        try {
            return new TraceEvent(host, own, kind, parseLong(event.group(2), source, lineNo), vector, event.group(3),
                    event.group(4) == null ? "" : event.group(4));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ":" + lineNo + ": " + e.getMessage(), e);
        }
    }

    private static SortedMap<String, Long> parseClock(String json, String source, int lineNo) {
        SortedMap<String, Long> vector = new TreeMap<>();
        String inner = json.substring(1, json.length() - 1);
        if (inner.isBlank()) {
            return vector;
        }
        for (String part : inner.split(",", -1)) {
            Matcher entry = ENTRY.matcher(part);
            if (!entry.matches()) {
                throw new IllegalArgumentException(source + ":" + lineNo + ": the vector timestamp " + abbreviate(json)
                        + " is not a JSON object of \"host\":counter entries");
            }
            String key = entry.group(1);
            if (!isHostName(key) && !isNodeId(key)) {
                throw new IllegalArgumentException(source + ":" + lineNo + ": vector entry \"" + abbreviate(key)
                        + "\" is neither a node name nor a node id");
            }
            if (vector.put(key, parseLong(entry.group(2), source, lineNo)) != null) {
                throw new IllegalArgumentException(source + ":" + lineNo + ": vector entry \"" + key + "\" appears twice");
            }
        }
        return vector;
    }

    private static long parseLong(String digits, String source, int lineNo) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + ":" + lineNo + ": " + digits + " is too large");
        }
    }

    private static String abbreviate(String text) {
        String oneLine = TraceEvent.sanitize(text);
        return oneLine.length() <= 80 ? oneLine : oneLine.substring(0, 77) + "...";
    }
}
