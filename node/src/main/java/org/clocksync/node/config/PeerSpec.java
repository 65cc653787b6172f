package org.clocksync.node.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.clocksync.protocol.HostPort;

/** One entry of {@code --peers ID@HOST:PORT,...}. */
public record PeerSpec(int id, HostPort address) {
    public static PeerSpec parse(String text) {
        int at = text.indexOf('@');
        if (at <= 0) {
            throw new IllegalArgumentException("'" + text + "' is not ID@HOST:PORT, e.g. 2@127.0.0.1:7002");
        }
        int id;
        try {
            id = Integer.parseInt(text.substring(0, at));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "': the id before @ must be a positive whole number");
        }
        if (id <= 0) {
            throw new IllegalArgumentException("'" + text + "': node ids are positive");
        }
        return new PeerSpec(id, HostPort.parse(text.substring(at + 1)));
    }

    /** Parses a comma-separated list; duplicate ids are an error. */
    public static List<PeerSpec> parseList(String text) {
        List<PeerSpec> peers = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        if (text == null || text.isBlank()) {
            return peers;
        }
        for (String part : text.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            PeerSpec p = parse(part.trim());
            if (!seen.add(p.id())) {
                throw new IllegalArgumentException("peer id " + p.id() + " appears twice in --peers");
            }
            peers.add(p);
        }
        if (peers.size() > 1024) {
            throw new IllegalArgumentException("--peers lists " + peers.size() + " nodes, the limit is 1024");
        }
        return peers;
    }
}
