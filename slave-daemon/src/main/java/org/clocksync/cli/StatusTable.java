package org.clocksync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.clocksync.daemon.DurationParser;

/** Renders nodes' /status as the table operators read: role, coordinator, epoch, offset from the cluster mean. */
final class StatusTable {
    private StatusTable() {
    }

    static String render(List<StatusClient.Result> results) {
        List<JsonNode> up = new ArrayList<>();
        for (StatusClient.Result r : results) {
            if (r.status() != null) {
                up.add(r.status());
            }
        }
        double mean = up.stream().mapToLong(s -> s.path("clockOffsetFromHostNanos").asLong()).average().orElse(0);
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-8s %4s %-9s %5s %7s %14s %16s  %-22s %s%n",
                "NAME", "ID", "ROLE", "COORD", "EPOCH", "FROM MEAN", "FROM HOST", "PEERS", "LAST ROUND / CORRECTION"));
        for (StatusClient.Result r : results) {
            JsonNode s = r.status();
            if (s == null) {
                out.append(String.format(Locale.ROOT, "%-8s %s%n", "?", r.address() + ": " + r.error()));
                continue;
            }
            long offset = s.path("clockOffsetFromHostNanos").asLong();
            out.append(String.format(Locale.ROOT, "%-8s %4d %-9s %5d %7d %14s %16s  %-22s %s%n",
                    s.path("name").asText(), s.path("id").asInt(), s.path("role").asText(),
                    s.path("coordinatorId").asInt(), s.path("epoch").asLong(),
                    DurationParser.format(Math.round(offset - mean)), DurationParser.format(offset), peers(s),
                    lastEvent(s)));
        }
        for (JsonNode s : up) {
            String detail = peerDetail(s);
            if (!detail.isEmpty()) {
                out.append(String.format(Locale.ROOT, "%-8s peers: %s%n", s.path("name").asText(), detail));
            }
        }
        if (up.size() >= 1) {
            long min = up.stream().mapToLong(s -> s.path("clockOffsetFromHostNanos").asLong()).min().getAsLong();
            long max = up.stream().mapToLong(s -> s.path("clockOffsetFromHostNanos").asLong()).max().getAsLong();
            out.append(String.format(Locale.ROOT, "spread %s across %d node%s (max - min of offset from host)%n",
                    DurationParser.format(max - min).substring(1), up.size(), up.size() == 1 ? "" : "s"));
        }
        return out.toString();
    }

    /** Each peer as this node sees it: id, alive or SUSPECTED, and the age of its last heartbeat. */
    static String peerDetail(JsonNode s) {
        StringBuilder b = new StringBuilder();
        for (JsonNode p : s.path("cluster").path("peers")) {
            if (b.length() > 0) {
                b.append(", ");
            }
            b.append(p.path("id").asInt()).append(' ')
                    .append("alive".equals(p.path("state").asText()) ? "alive" : "SUSPECTED");
            if (p.path("lastHeartbeatAgeMillis").isNumber()) {
                long ageMillis = p.path("lastHeartbeatAgeMillis").asLong();
                b.append(' ').append(ageMillis < 10_000 ? ageMillis + "ms"
                        : String.format(Locale.ROOT, "%.0fs", ageMillis / 1000.0));
            } else if (!p.path("monitored").asBoolean(true)) {
                b.append(" (not watched)");
            } else {
                b.append(" (never heard)");
            }
        }
        return b.toString();
    }

    /** "4/4 alive", or which peers are suspected and how long they have been silent; "-" without --peers. */
    static String peers(JsonNode s) {
        JsonNode peers = s.path("cluster").path("peers");
        if (!peers.isArray() || peers.isEmpty()) {
            return "-";
        }
        int alive = 0;
        StringBuilder suspected = new StringBuilder();
        for (JsonNode p : peers) {
            if ("alive".equals(p.path("state").asText())) {
                alive++;
            } else {
                suspected.append(suspected.length() == 0 ? ", " : " ").append(p.path("id").asInt());
                if (p.path("lastHeartbeatAgeMillis").isNumber()) {
                    suspected.append(String.format(Locale.ROOT, "(%.1fs)",
                            p.path("lastHeartbeatAgeMillis").asLong() / 1000.0));
                }
            }
        }
        return alive + "/" + peers.size() + " alive" + (suspected.length() == 0 ? "" : suspected.insert(2, "down "));
    }

    private static String lastEvent(JsonNode s) {
        JsonNode round = s.path("lastRound");
        if (round.isObject()) {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "round %d, %.1f s ago, %d/%d in",
                    round.path("roundId").asLong(), round.path("ageMillis").asLong() / 1000.0,
                    round.path("included").asInt(), round.path("members").size()));
            for (JsonNode e : round.path("excluded")) {
                b.append(", ").append(e.path("id").asInt()).append(' ').append(e.path("status").asText().toLowerCase(
                        Locale.ROOT));
            }
            return b.toString();
        }
        JsonNode clock = s.path("clock");
        if (clock.path("lastCorrectionAgeMillis").isNumber()) {
            return String.format(Locale.ROOT, "%s, %.1f s ago",
                    DurationParser.format(clock.path("lastCorrectionNanos").asLong()),
                    clock.path("lastCorrectionAgeMillis").asLong() / 1000.0);
        }
        JsonNode master = s.path("master");
        if (master.isObject() && !master.path("joined").asBoolean()) {
            return "not joined to " + master.path("address").asText();
        }
        return "-";
    }
}
