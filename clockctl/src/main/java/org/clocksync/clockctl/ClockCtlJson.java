package org.clocksync.clockctl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one mapper clockctl reads daemons' documents with and writes its --json documents with. Those documents are
 * records: fields come out in record component order (users' scripts and the tests rely on it, so sorting is off
 * whatever a Jackson default may become) and a null component is written as null unless it says otherwise.
 */
final class ClockCtlJson {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .build();

    private ClockCtlJson() {
    }

    static String write(Object document) throws JsonProcessingException {
        return MAPPER.writeValueAsString(document);
    }
}
