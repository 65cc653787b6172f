package org.clocksync.node.role.logical;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One object's reading in a logical round of /status; {@code reason} is written only when there is one. */
public record LogicalReading(int id, String name, String status, long reading, long offset,
        @JsonInclude(JsonInclude.Include.NON_NULL) String reason) {
}
