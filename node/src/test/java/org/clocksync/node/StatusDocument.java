package org.clocksync.node;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * /status as its readers see it: the document written to JSON and read back as maps (whole numbers as Long), so that
 * tests check the text the admin server sends rather than the objects it is written from.
 */
public final class StatusDocument {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);

    private StatusDocument() {
    }

    /** The node's /status, built on its loop as the admin server asks for it. */
    public static Map<String, Object> read(Node node) throws Exception {
        return of(node.status().get(5, TimeUnit.SECONDS));
    }

    public static Map<String, Object> of(Object status) {
        try {
            return JSON.readValue(JSON.writeValueAsString(status), new TypeReference<Map<String, Object>>() {
            });
        } catch (Exception e) {
            throw new IllegalStateException("/status does not round-trip through JSON", e);
        }
    }
}
