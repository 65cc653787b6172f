package org.clocksync.clockctl;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

/** One node's entry in {@code status --json}: the /status document as the daemon sent it, or why there is none. */
sealed interface NodeStatusJson {
    static NodeStatusJson of(StatusClient.Result result) {
        return result.status() != null ? new Answered(result.status()) : new Unreachable(result.address(), result.error());
    }

    /** The daemon owns this document's shape, so it is passed through untouched. */
    record Answered(JsonNode status) implements NodeStatusJson {
        @JsonValue
        @Override
        public JsonNode status() {
            return status;
        }
    }

    record Unreachable(String address, String error) implements NodeStatusJson {
    }
}
