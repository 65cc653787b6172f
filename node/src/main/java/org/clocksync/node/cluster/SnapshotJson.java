package org.clocksync.node.cluster;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.clocksync.core.snapshot.ChannelState;
import org.clocksync.core.snapshot.LocalState;
import org.clocksync.core.snapshot.NodePart;
import org.clocksync.core.snapshot.SnapshotDocument;

/**
 * The JSON document a snapshot answers {@code POST /snapshot} with (and {@code clockctl snapshot} prints):
 * {@code snapshotId, initiatorId, complete, startedAtNanos, finishedAtNanos, durationNanos}; when failed also
 * {@code error}, {@code missingNodeIds} and {@code refusals} ([{nodeId, reason}]); then {@code cut}
 * ([{nodeId, lamport, recordedAtNanos}]), {@code nodes} ([{nodeId, recordedAtNanos, complete, state}]) and
 * {@code channels} ([{from, to, messageCount, truncated, markerReceived, messages}]). Times are each node's host
 * clock in nanoseconds since the epoch. Non-ASCII text is escaped, so the document is ASCII whatever peers recorded.
 * Fields come out in the order of the records' components, as in every document the daemons and clockctl write.
 */
public final class SnapshotJson {
    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    private SnapshotJson() {
    }

    public static String of(SnapshotDocument document) {
        try {
            return JSON.writeValueAsString(Document.of(document));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("snapshot " + document.snapshotId() + " could not be written as JSON", e);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Document(long snapshotId, int initiatorId, boolean complete, long startedAtNanos, long finishedAtNanos,
                    long durationNanos, String error, List<Integer> missingNodeIds, List<Refusal> refusals,
                    List<CutEntry> cut, List<Node> nodes, List<Channel> channels) {
        static Document of(SnapshotDocument d) {
            boolean failed = !d.complete();
            List<NodePart> recorded = d.parts().stream().filter(part -> part.state() != null).toList();
            return new Document(d.snapshotId(), d.initiatorId(), d.complete(), d.startedAtNanos(), d.finishedAtNanos(),
                    d.durationNanos(), d.error(), failed ? d.missingNodeIds() : null,
                    failed ? d.refusals().stream().map(part -> new Refusal(part.nodeId(), part.refusal())).toList() : null,
                    recorded.stream().map(part -> new CutEntry(part.nodeId(), part.state().lamport(), part.recordedAtNanos())).toList(),
                    recorded.stream().map(part -> new Node(part.nodeId(), part.recordedAtNanos(), part.complete(), State.of(part.state()))).toList(),
                    d.channels().stream().map(channel -> Channel.of(channel, d.markerReceived(channel))).toList());
        }
    }

    record Refusal(int nodeId, String reason) {
    }

    record CutEntry(int nodeId, long lamport, long recordedAtNanos) {
    }

    record Node(int nodeId, long recordedAtNanos, boolean complete, State state) {
    }

    record State(long serviceClockNanos, long lamport, String role, long epoch, long lastRoundId, Map<String, String> extra) {
        static State of(LocalState s) {
            return new State(s.serviceClockNanos(), s.lamport(), s.role(), s.epoch(), s.lastRoundId(), s.extra());
        }
    }

    record Channel(int from, int to, long messageCount, boolean truncated, boolean markerReceived, List<String> messages) {
        static Channel of(ChannelState c, boolean markerReceived) {
            return new Channel(c.fromId(), c.toId(), c.messageCount(), c.truncated(), markerReceived, c.messages());
        }
    }
}
