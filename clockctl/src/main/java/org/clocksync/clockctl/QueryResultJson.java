package org.clocksync.clockctl;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/** One server's entry in {@code query --json}: its reading (the first one is chosen) or why there is none. */
sealed interface QueryResultJson {
    /** {@code outcomes} best first; the resync interval, when there is one, belongs to the chosen reading. */
    static List<QueryResultJson> of(List<Query.Outcome> outcomes, Long resyncIntervalNanos) {
        List<QueryResultJson> results = new ArrayList<>(outcomes.size());
        boolean first = true;
        for (Query.Outcome o : outcomes) {
            if (o.reading() == null) {
                results.add(new Failure(o.server(), o.error()));
                continue;
            }
            results.add(new Reading(o.server(), o.reading().offsetNanos(), o.reading().boundNanos(),
                    o.reading().rttNanos(), first, first ? resyncIntervalNanos : null));
            first = false;
        }
        return results;
    }

    record Reading(String server, long offsetNanos, long boundNanos, long rttNanos, boolean chosen,
            @JsonInclude(JsonInclude.Include.NON_NULL) Long resyncIntervalNanos) implements QueryResultJson {
    }

    record Failure(String server, String error) implements QueryResultJson {
    }
}
