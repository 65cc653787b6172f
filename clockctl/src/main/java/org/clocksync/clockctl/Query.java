package org.clocksync.clockctl;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.clocksync.core.Durations;
import org.clocksync.core.cristian.CristianReading;
import org.clocksync.protocol.HostPort;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code clockctl query}: Cristian readings from servers, best (lowest round trip, tightest bound) first. */
@Command(name = "query", mixinStandardHelpOptions = true,
        description = {"Takes Cristian readings of each server's service clock over the binary protocol (keeping the"
                + " lowest round trip of --samples) and prints, best first: offset from this host's clock, accuracy"
                + " bound (RTT/2 - min delay) and round trip. The first line is the one to trust.",
                "Exit code 1 if any server does not answer."})
final class Query implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "SERVER", description = "Protocol addresses HOST:PORT (--listen).")
    List<String> servers = new ArrayList<>();

    @Option(names = "--json", description = "One JSON array: server, offsetNanos, boundNanos, rttNanos, chosen.")
    boolean json;

    @Option(names = "--samples", paramLabel = "N", description = "Readings per server, lowest RTT kept (1..64)."
            + " Default: ${DEFAULT-VALUE}.")
    int samples = 4;

    @Option(names = "--min-delay", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Known minimum one-way delay; it tightens the bound. Default: 0.")
    long minDelayNanos;

    @Option(names = "--accuracy", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Target accuracy; with --max-drift-ppm, prints the longest resync interval that keeps it"
                    + " (docs/probabilistic-reading.md gives the formula).")
    Long accuracyNanos;

    @Option(names = "--max-drift-ppm", paramLabel = "X", description = "Drift bound of each clock, in ppm.")
    Double maxDriftPpm;

    @Option(names = "--watch", description = "With --accuracy and --max-drift-ppm: read again each resync interval.")
    boolean watch;

    @Option(names = "--count", paramLabel = "N", description = "With --watch: stop after N readings.")
    long count = Long.MAX_VALUE;

    /** One server's outcome: a reading or why there is none. */
    record Outcome(String server, CristianReading reading, String error) {
    }

    @Option(names = "--key-file", paramLabel = "PATH",
            description = "The cluster key file of keyed daemons (--key-file): requests are signed and answers checked.")
    java.nio.file.Path keyFile;

    @Option(names = "--tls-cert", paramLabel = "PEM",
            description = "For daemons run with --tls-*: the certificate clockctl presents (signed by the cluster's CA;"
                    + " needs --tls-key and --tls-ca).")
    java.nio.file.Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "The PKCS#8 private key of --tls-cert.")
    java.nio.file.Path tlsKey;

    @Option(names = "--tls-ca", paramLabel = "PEM",
            description = "The cluster's CA certificate: a server must present a certificate it signed (no host name"
                    + " check, as between the daemons).")
    java.nio.file.Path tlsCa;

    private org.clocksync.protocol.auth.FrameAuth auth;
    /** Wraps each connection in TLS; null without --tls-*. */
    private javax.net.ssl.SSLSocketFactory tls;

    @Override
    public Integer call() throws Exception {
        if (keyFile != null) {
            try {
                auth = new org.clocksync.protocol.auth.FrameAuth(org.clocksync.protocol.auth.KeyFile.load(keyFile),
                        ClientClock.nowNanos(), CristianClient.CLIENT_ID);
            } catch (org.clocksync.protocol.auth.KeyFileException e) {
                System.err.println("clockctl query: " + e.getMessage());
                return 2;
            }
        }
        int tlsFiles = (tlsCert != null ? 1 : 0) + (tlsKey != null ? 1 : 0) + (tlsCa != null ? 1 : 0);
        if (tlsFiles != 0) {
            if (tlsFiles != 3) {
                System.err.println("clockctl query: TLS needs all of --tls-cert, --tls-key and --tls-ca, got "
                        + tlsFiles + " of them");
                return 2;
            }
            try {
                tls = ((io.netty.handler.ssl.JdkSslContext) org.clocksync.protocol.tls.TlsContexts.client(tlsCert,
                        tlsKey, tlsCa)).context().getSocketFactory();
            } catch (IllegalArgumentException e) {
                System.err.println("clockctl query: " + e.getMessage());
                return 2;
            }
        }
        if (servers.size() > 64 || samples < 1 || samples > 64 || minDelayNanos < 0) {
            System.err.println("clockctl query: at most 64 servers, --samples 1..64, --min-delay not negative");
            return 2;
        }
        if ((accuracyNanos == null) != (maxDriftPpm == null) || (watch && accuracyNanos == null)) {
            System.err.println("clockctl query: --accuracy and --max-drift-ppm go together (and --watch needs them)");
            return 2;
        }
        int exit = 0;
        for (long i = 0; i < (watch ? count : 1); i++) {
            List<Outcome> outcomes = new ArrayList<>();
            for (String s : servers) {
                outcomes.add(query(s));
            }
            outcomes.sort(Comparator.comparing((Outcome o) -> o.reading() == null)
                    .thenComparingLong(o -> o.reading() == null ? 0 : o.reading().rttNanos()));
            Long resyncNanos = resyncNanos(outcomes);
            System.out.print(json ? toJson(outcomes, resyncNanos) + "\n" : table(outcomes));
            if (resyncNanos != null && !json) {
                System.out.printf(Locale.ROOT, "resync within %s to stay within +-%s at %s ppm%n",
                        Durations.signed(resyncNanos).substring(1),
                        Durations.signed(accuracyNanos).substring(1), maxDriftPpm);
            }
            System.out.flush();
            exit = outcomes.stream().anyMatch(o -> o.reading() == null) ? 1 : 0;
            if (watch && i + 1 < count) {
                Thread.sleep(Math.max(100, resyncNanos == null ? 1_000 : resyncNanos / 1_000_000));
            }
        }
        return exit;
    }

    /** The longest interval that keeps the chosen reading within --accuracy, or null when not asked or impossible. */
    private Long resyncNanos(List<Outcome> outcomes) {
        if (accuracyNanos == null || outcomes.isEmpty() || outcomes.get(0).reading() == null) {
            return null;
        }
        try {
            return org.clocksync.core.cristian.ResyncPlanner.maxIntervalNanos(accuracyNanos,
                    outcomes.get(0).reading().boundNanos(), maxDriftPpm);
        } catch (IllegalArgumentException e) {
            System.err.println("clockctl query: " + e.getMessage());
            return null;
        }
    }

    private Outcome query(String server) {
        HostPort address;
        try {
            address = HostPort.parse(server);
        } catch (IllegalArgumentException e) {
            return new Outcome(server, null, e.getMessage());
        }
        try (CristianClient client = new CristianClient(address, auth, tls).connect()) {
            List<CristianReading> readings = new ArrayList<>();
            for (int i = 0; i < samples; i++) {
                readings.add(client.read(minDelayNanos));
            }
            return new Outcome(server, CristianReading.best(readings).orElseThrow(), null);
        } catch (IOException e) {
            return new Outcome(server, null, "unreachable (" + e.getMessage() + ")");
        }
    }

    private static String table(List<Outcome> outcomes) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-22s %16s %14s %12s%n",
                "SERVER", "OFFSET", "BOUND", "RTT"));
        boolean first = true;
        for (Outcome o : outcomes) {
            if (o.reading() == null) {
                b.append(String.format(Locale.ROOT, "%-22s %s%n", o.server(), o.error()));
                continue;
            }
            CristianReading r = o.reading();
            b.append(String.format(Locale.ROOT, "%-22s %16s %14s %12s%s%n", o.server(),
                    Durations.signed(r.offsetNanos()), "+-" + Durations.signed(r.boundNanos()).substring(1),
                    Durations.signed(r.rttNanos()).substring(1), first ? "  <- chosen (lowest RTT)" : ""));
            first = false;
        }
        return b.toString();
    }

    static String toJson(List<Outcome> outcomes, Long resyncNanos) throws IOException {
        return ClockCtlJson.write(QueryResultJson.of(outcomes, resyncNanos));
    }
}
