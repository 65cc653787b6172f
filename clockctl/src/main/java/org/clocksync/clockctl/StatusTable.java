package org.clocksync.clockctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.clocksync.core.Durations;

/**
 * Renders nodes' /status as the table operators read: role, coordinator, epoch, offset from the cluster mean and
 * from the host, then what {@code chronyc tracking} and {@code sources} users look for (RMS offset, frequency, skew,
 * reach in octal, last round age), peers and the last round; then per node its peers and, for a master, each
 * member's reach.
 */
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
        out.append(String.format(Locale.ROOT, "%-8s %3s %-9s %5s %7s %11s %11s %9s %9s %9s %5s %5s  %-16s %s%n",
                "NAME", "ID", "ROLE", "COORD", "EPOCH", "FROM MEAN", "FROM HOST", "RMS", "FREQ(ppm)", "SKEW(ppm)",
                "REACH", "AGE", "PEERS", "LAST ROUND / CORRECTION"));
        for (StatusClient.Result r : results) {
            JsonNode s = r.status();
            if (s == null) {
                out.append(String.format(Locale.ROOT, "%-8s %s%n", "?", r.address() + ": " + r.error()));
                continue;
            }
            long offset = s.path("clockOffsetFromHostNanos").asLong();
            JsonNode t = s.path("tracking");
            out.append(String.format(Locale.ROOT, "%-8s %3d %-9s %5d %7d %11s %11s %9s %9s %9s %5s %5s  %-16s %s%n",
                    s.path("name").asText(), s.path("id").asInt(), s.path("role").asText(),
                    s.path("coordinatorId").asInt(), s.path("epoch").asLong(),
                    Durations.signed(Math.round(offset - mean)), Durations.signed(offset), rms(t),
                    ppm(t.path("frequencyPpm"), "%+.3f"), ppm(t.path("skewPpm"), "%.3f"),
                    t.path("reachOctal").asText("-"), age(t.path("lastRoundAgeMillis")), peers(s), lastEvent(s)));
        }
        for (JsonNode s : up) {
            String detail = peerDetail(s);
            if (!detail.isEmpty()) {
                out.append(String.format(Locale.ROOT, "%-8s peers: %s%n", s.path("name").asText(), detail));
            }
            String reach = memberReach(s);
            if (!reach.isEmpty()) {
                out.append(String.format(Locale.ROOT, "%-8s reach: %s%n", s.path("name").asText(), reach));
            }
        }
        if (up.size() >= 1) {
            long min = up.stream().mapToLong(s -> s.path("clockOffsetFromHostNanos").asLong()).min().getAsLong();
            long max = up.stream().mapToLong(s -> s.path("clockOffsetFromHostNanos").asLong()).max().getAsLong();
            out.append(String.format(Locale.ROOT, "spread %s across %d node%s (max - min of offset from host)%n",
                    Durations.signed(max - min).substring(1), up.size(), up.size() == 1 ? "" : "s"));
        }
        return out.toString();
    }

    /** RMS of the node's last corrections without a sign ({@code 12.3 us}); "-" before the first. */
    static String rms(JsonNode tracking) {
        if (!tracking.path("rmsOffsetNanos").isNumber() || tracking.path("rmsSamples").asInt(1) == 0) {
            return "-";
        }
        return Durations.signed(tracking.path("rmsOffsetNanos").asLong()).substring(1);
    }

    private static String ppm(JsonNode value, String format) {
        return value.isNumber() ? String.format(Locale.ROOT, format, value.asDouble()) : "-";
    }

    /** A short age: {@code 0.4s}, {@code 12s}, {@code 7m}, {@code 3h}; "-" when there is none. */
    static String age(JsonNode millis) {
        if (!millis.isNumber()) {
            return "-";
        }
        long ms = millis.asLong();
        if (ms < 10_000) {
            return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        if (ms < 600_000) {
            return ms / 1000 + "s";
        }
        return ms < 36_000_000 ? ms / 60_000 + "m" : ms / 3_600_000 + "h";
    }

    /** A master's members with their reach over the last 8 rounds, as chronyc sources shows it: "1 377, 4 17". */
    static String memberReach(JsonNode s) {
        StringBuilder b = new StringBuilder();
        for (JsonNode m : s.path("lastRound").path("members")) {
            if (m.path("id").asInt() == s.path("id").asInt() || !m.has("reachOctal")) {
                continue;
            }
            if (b.length() > 0) {
                b.append(", ");
            }
            b.append(m.path("id").asInt()).append(' ').append(m.path("reachOctal").asText());
        }
        return b.toString();
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
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "round %d, %d/%d in",
                    round.path("roundId").asLong(), round.path("included").asInt(), round.path("members").size()));
            for (JsonNode e : round.path("excluded")) {
                b.append(", ").append(e.path("id").asInt()).append(' ').append(e.path("status").asText().toLowerCase(
                        Locale.ROOT));
            }
            return b.toString();
        }
        JsonNode clock = s.path("clock");
        if (clock.path("lastCorrectionAgeMillis").isNumber()) {
            return "corrected " + Durations.signed(clock.path("lastCorrectionNanos").asLong());
        }
        JsonNode master = s.path("master");
        if (master.isObject() && !master.path("joined").asBoolean()) {
            return "not joined to " + master.path("address").asText();
        }
        return "-";
    }
}
