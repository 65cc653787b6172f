package org.clocksync.clockctl;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.clocksync.core.logical.TraceAnalysis;
import org.clocksync.core.logical.TraceEvent;
import org.clocksync.core.logical.TraceMerge;
import org.clocksync.core.logical.VectorClock;

/**
 * The document {@code trace merge --json} prints: the merged trace in figures, then the answers to the questions
 * asked; the output file and the answers are left out when not asked for.
 */
record TraceSummaryJson(List<Node> nodes, int events, int messages, int unmatchedReceives, List<String> warnings,
        List<String> inconsistencies,
        @JsonInclude(JsonInclude.Include.NON_NULL) String output,
        @JsonInclude(JsonInclude.Include.NON_NULL) HappenedBefore happenedBefore,
        @JsonInclude(JsonInclude.Include.NON_NULL) ConcurrentWith concurrentWith) {
    /** Enough to see the trace is broken without making the document as large as the trace. */
    static final int MAX_INCONSISTENCIES = 100;

    /** {@code a} and {@code b} are both null or both set; {@code output} and {@code pivot} may be null. */
    static TraceSummaryJson of(TraceMerge.Result merged, TraceAnalysis analysis, List<String> problems, Path output,
            TraceEvent a, TraceEvent b, TraceEvent pivot) {
        List<Node> nodes = analysis.nodes().stream()
                .map(name -> new Node(name, merged.nodeIds().get(name), analysis.eventsOf(name).size()))
                .toList();
        return new TraceSummaryJson(nodes, merged.events().size(), analysis.messages().size(),
                analysis.unmatchedReceives().size(), merged.warnings(),
                problems.stream().limit(MAX_INCONSISTENCIES).toList(),
                output == null ? null : output.toString(),
                a == null ? null : HappenedBefore.of(analysis, a, b),
                pivot == null ? null : ConcurrentWith.of(analysis, pivot));
    }

    /** {@code id} is null when the trace does not say which id the node had. */
    record Node(String name, Integer id, int events) {
    }

    record HappenedBefore(String a, String b, String relation, boolean aHappenedBeforeB, String answer) {
        static HappenedBefore of(TraceAnalysis analysis, TraceEvent a, TraceEvent b) {
            VectorClock.Order order = analysis.order(a, b);
            return new HappenedBefore(a.name(), b.name(), order == VectorClock.Order.EQUAL ? "SAME" : order.name(),
                    order == VectorClock.Order.BEFORE, Trace.Merge.relation(analysis, a, b));
        }
    }

    record ConcurrentWith(Event event, int count, List<Event> events) {
        static ConcurrentWith of(TraceAnalysis analysis, TraceEvent pivot) {
            List<TraceEvent> concurrent = analysis.concurrentWith(pivot);
            return new ConcurrentWith(Event.of(pivot), concurrent.size(), concurrent.stream().map(Event::of).toList());
        }
    }

    /** {@code messageId} is left out for internal events, which have none. */
    record Event(String name, String node, long index, String kind, long lamport, Map<String, Long> vector,
            @JsonInclude(JsonInclude.Include.NON_NULL) String messageId, String description) {
        static Event of(TraceEvent e) {
            return new Event(e.name(), e.node(), e.index(), e.kind().name(), e.lamport(), e.vector(), e.messageId(),
                    e.description());
        }
    }
}
