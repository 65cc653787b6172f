package org.clocksync.node.config;

import java.nio.file.Path;
import java.util.List;
import org.clocksync.core.Durations;
import org.clocksync.core.cluster.ClusterConfig;
import org.clocksync.core.cluster.DelayBounds;
import org.clocksync.core.cluster.ElectionAlgorithm;
import org.clocksync.core.cluster.Epochs;
import org.clocksync.core.cluster.HeartbeatTopology;
import org.clocksync.core.logical.ByzantineBehaviour;
import org.clocksync.core.logical.LogicalConfig;
import org.clocksync.node.config.OptionConverters.DelayBoundsConverter;
import org.clocksync.node.config.OptionConverters.DurationNanosConverter;
import org.clocksync.node.config.OptionConverters.HostPortConverter;
import org.clocksync.node.config.OptionConverters.PeerListConverter;
import org.clocksync.protocol.HostPort;
import picocli.CommandLine.Option;

/** The options both daemons accept (README.md, "Options (both daemons)"), as a picocli mixin. */
public final class DaemonOptions {
    @Option(names = "--id", required = true, paramLabel = "N",
            description = "Unique positive node id; in elections the higher id wins.")
    public int id;

    @Option(names = "--name", paramLabel = "TEXT", description = "Human name, e.g. KMC (default: node-<id>).")
    public String name;

    @Option(names = "--listen", paramLabel = "HOST:PORT", converter = HostPortConverter.class,
            description = "Binary protocol (TCP) address; port 0 picks a free port. Default: master 127.0.0.1:7700,"
                    + " slave 127.0.0.1:0.")
    public HostPort listen;

    @Option(names = "--admin", paramLabel = "HOST:PORT", converter = HostPortConverter.class,
            description = "Admin HTTP address: GET /status (JSON), GET /metrics (Prometheus). Default: master"
                    + " 127.0.0.1:8700, slave 127.0.0.1:0 (the chosen port is logged).")
    public HostPort admin;

    @Option(names = "--ntp", paramLabel = "HOST:PORT", converter = HostPortConverter.class,
            description = "Serve this node's clock over NTPv4 (UDP) at this address, e.g. 0.0.0.0:123 (ports below"
                    + " 1024 need root or CAP_NET_BIND_SERVICE). Off unless given.")
    public HostPort ntp;

    @Option(names = "--ntp-stratum", paramLabel = "N",
            description = "NTP stratum the master serves (1..15); a slave serves one more, and 16 (unsynchronized)"
                    + " until its first correction. Give every node the same value. Default: ${DEFAULT-VALUE}.")
    public int ntpStratum = 1;

    @Option(names = "--ntp-ratelimit-interval", paramLabel = "DURATION", converter = DurationNanosConverter.class,
            description = "NTP rate limit per client address: after the burst, one answer per DURATION on average;"
                    + " the rest are dropped. 0s turns rate limiting off. Default: 8s (chrony's 'ratelimit interval 3').")
    public long ntpRateLimitIntervalNanos = 8_000_000_000L;

    @Option(names = "--ntp-ratelimit-burst", paramLabel = "N",
            description = "NTP answers a client address may get back to back before the interval applies (1..10000)."
                    + " Default: ${DEFAULT-VALUE} (chrony's 'ratelimit burst 8').")
    public int ntpRateLimitBurst = 8;

    @Option(names = "--upstream", paramLabel = "HOST:PORT", converter = HostPortConverter.class,
            description = "Take this node's reference from an upstream NTP server instead of the host clock (for the"
                    + " master; with it the master's clock is the cluster's reference: members are steered to it and"
                    + " it never averages itself away from it). Off unless given.")
    public HostPort upstream;

    @Option(names = "--upstream-poll", paramLabel = "DURATION", converter = DurationNanosConverter.class,
            description = "How often the upstream NTP server is asked, after a first burst of 4 polls 100ms apart"
                    + " (100ms..1h). Default: 1s.")
    public long upstreamPollNanos = 1_000_000_000L;

    @Option(names = "--peers", paramLabel = "ID@HOST:PORT,...", converter = PeerListConverter.class,
            description = "The other nodes, for heartbeats and elections; give every node the same set (each"
                    + " listing all but itself). Without it the node runs without failure detection or elections.")
    public List<PeerSpec> peers = List.of();

    @Option(names = "--master", paramLabel = "HOST:PORT", converter = HostPortConverter.class,
            description = "Slaves: where the master listens (required for a slave; the master ignores it).")
    public HostPort master;

    @Option(names = "--interval", paramLabel = "DURATION", converter = DurationNanosConverter.class,
            description = "Berkeley round period when this node is master. Default: 1s.")
    public long intervalNanos = 1_000_000_000L;

    @Option(names = "--burst", paramLabel = "N",
            description = "Polls per member per round; the lowest-RTT one is used (1..16). Default: ${DEFAULT-VALUE}.")
    public int burst = 4;

    @Option(names = "--round-timeout", paramLabel = "DURATION", converter = DurationNanosConverter.class,
            description = "Members that have not answered by then are left out of the round. Default: 300ms.")
    public long roundTimeoutNanos = 300_000_000L;

    @Option(names = "--max-deviation", paramLabel = "DURATION", converter = DurationNanosConverter.class,
            description = "Readings further than this from the median are left out of the average (they are still"
                    + " corrected). Default: 50ms.")
    public long maxDeviationNanos = 50_000_000L;

    @Option(names = "--probation-rounds", paramLabel = "N",
            description = "A new member's first N rounds are corrected but not counted in the average (0..16)."
                    + " Default: ${DEFAULT-VALUE}.")
    public int probationRounds = 3;

    @Option(names = "--drift-estimation", paramLabel = "on|off", converter = OptionConverters.OnOffConverter.class,
            description = "Learn this node's drift from its corrections and steer its frequency (on), or correct the"
                    + " offset only (off, plain Berkeley). Default: ${DEFAULT-VALUE}.")
    public OnOff driftEstimation = OnOff.ON;

    @Option(names = "--sim-offset", paramLabel = "DURATION", converter = DurationNanosConverter.class,
            description = "Simulated hardware clock offset from the host clock, e.g. 2.5s, -300ms, 150us. Default: 0.")
    public long simOffsetNanos;

    @Option(names = "--sim-drift-ppm", paramLabel = "X",
            description = "Simulated hardware clock drift in parts per million (-1000..1000). Default: 0.")
    public double simDriftPpm;

    @Option(names = "--key-file", paramLabel = "PATH",
            description = "Cluster key file: every frame is signed (HMAC-SHA256) and checked; unsigned, wrongly signed"
                    + " and replayed frames are dropped and counted. Lines 'ID HEX' (or 'ID HEX accept' for a key only"
                    + " taken, not used to sign; the highest signing id signs); one bare HEX line is key 1. The file"
                    + " must not be readable by group or others (chmod 600); it is reread when it changes. Make a key"
                    + " with 'openssl rand -hex 32'. See SECURITY.md.")
    public Path keyFile;

    @Option(names = "--tls-cert", paramLabel = "PEM",
            description = "TLS with mutual authentication on every protocol connection (TLS 1.3 or 1.2): this node's"
                    + " certificate, PEM, signed by --tls-ca; it serves as server and as client certificate. Needs"
                    + " --tls-key and --tls-ca; host names are not checked, the CA's signature makes a member (see"
                    + " docs/tls.md). Off unless given.")
    public Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "TLS: the private key of --tls-cert, PEM, PKCS#8"
            + " ('BEGIN PRIVATE KEY', not encrypted); keep it chmod 600.")
    public Path tlsKey;

    @Option(names = "--tls-ca", paramLabel = "PEM",
            description = "TLS: the CA certificate(s), PEM, that a peer's certificate must be signed by; peers without"
                    + " such a certificate, and plain connections, are refused and counted"
                    + " (clocksync_connections_closed_total{why=\"tls_handshake\"}).")
    public Path tlsCa;

    @Option(names = "--max-frame-bytes", paramLabel = "N",
            description = "Largest protocol frame accepted (length prefix value, 66..16384); a larger one closes the"
                    + " connection. Default: ${DEFAULT-VALUE}.")
    public int maxFrameBytes = org.clocksync.protocol.ProtocolLimits.MAX_FRAME_BYTES;

    @Option(names = "--max-outbound-bytes", paramLabel = "N",
            description = "Bytes queued for one connection that does not read (a slow or stuck peer); frames for it"
                    + " are dropped and counted above this (4096..16777216). Default: ${DEFAULT-VALUE}.")
    public int maxOutboundBytes = 256 * 1024;

    @Option(names = "--election", paramLabel = "bully|ring",
            description = "Election algorithm when the master is suspected (needs --peers): bully (the highest live id"
                    + " wins, and takes over when it comes back) or ring (the election goes round the ring of ids;"
                    + " a returning node follows). Default: bully.")
    public ElectionAlgorithm election = ElectionAlgorithm.BULLY;

    @Option(names = "--heartbeat-interval", paramLabel = "DURATION", converter = DurationNanosConverter.class,
            description = "Heartbeat period T to each peer (1ms..60s). Default: 100ms.")
    public long heartbeatIntervalNanos = 100_000_000L;

    @Option(names = "--delay-bounds", paramLabel = "[ID=]MIN..MAX", converter = DelayBoundsConverter.class,
            description = "One-way network delay bounds of the channels, e.g. 0ms..50ms for all, 3=1ms..80ms for the"
                    + " channel with node 3 (repeatable). A peer silent for T+MAX-MIN is suspected. Default: 0ms..100ms.")
    public List<PeerDelayBounds> delayBounds = new java.util.ArrayList<>();

    @Option(names = "--heartbeat-topology", paramLabel = "all|ring:K",
            description = "all: every node sends heartbeats to every other; ring:K: each node to its K successors in"
                    + " id order (n*K instead of n*(n-1) messages; any K crashes are still detected)."
                    + " Default: ${DEFAULT-VALUE}.")
    public String heartbeatTopology = "all";

    @Option(names = "--clock", paramLabel = "physical|logical",
            description = "physical: Berkeley rounds on the service clock. logical: the logical-clock system; the"
                    + " master daemon is the master object (MO), each slave daemon a process object (PO) with a"
                    + " Lamport counter (see --logical-*; no --peers). Default: physical.")
    public String clockKind = "physical";

    @Option(names = "--logical-step", paramLabel = "DURATION", converter = DurationNanosConverter.class,
            description = "--clock logical: a PO takes one step (one event) per DURATION (1ms..10s); give every"
                    + " daemon the same value, the MO estimates the POs' counters from it. Default: 10ms.")
    public long logicalStepNanos = LogicalConfig.DEFAULT_STEP_NANOS;

    @Option(names = "--logical-p-internal", paramLabel = "P",
            description = "--clock logical: probability that a step is an internal event. The three probabilities"
                    + " must sum to 1. Default: ${DEFAULT-VALUE}.")
    public double logicalPInternal = 0.8;

    @Option(names = "--logical-p-report", paramLabel = "P",
            description = "--clock logical: probability that a step sends the PO's counter to the MO (which starts an"
                    + " averaging round). Default: ${DEFAULT-VALUE}.")
    public double logicalPReport = 0.15;

    @Option(names = "--logical-p-request", paramLabel = "P",
            description = "--clock logical: probability that a step asks the MO for a correction. Default:"
                    + " ${DEFAULT-VALUE}.")
    public double logicalPRequest = 0.05;

    @Option(names = "--logical-tick", paramLabel = "DURATION", converter = DurationNanosConverter.class,
            description = "--clock logical: the MO's own counter ticks once per DURATION (1ms..10s). Default: 10ms.")
    public long logicalTickNanos = LogicalConfig.DEFAULT_STEP_NANOS;

    @Option(names = "--logical-max-deviation", paramLabel = "N",
            description = "--clock logical: counters further than N from the median are left out of the MO's"
                    + " average (and still corrected). Default: ${DEFAULT-VALUE}.")
    public long logicalMaxDeviation = LogicalConfig.DEFAULT_MAX_DEVIATION;

    @Option(names = "--byzantine", paramLabel = "random|constant|two-faced",
            description = "--clock logical, slave daemons only: this PO lies in every report (random values, the"
                    + " constant 10^9, or alternately 10^6 above and below its counter). For tests and demos.")
    public String byzantine;

    @Option(names = "--trace", paramLabel = "FILE",
            description = "Write every send, receive and internal event with its Lamport and vector timestamps to FILE"
                    + " (replaced at start), in ShiViz's format; frames then carry the vector (flag 0x02). Merge the"
                    + " nodes' files with 'clockctl trace merge'. The --name must be one word starting with a letter.")
    public Path trace;

    @Option(names = "--trace-max-mb", paramLabel = "N",
            description = "Stop tracing (one warning) when the trace file would grow past N MiB (1..100000)."
                    + " Default: ${DEFAULT-VALUE}.")
    public long traceMaxMb = 100;

    @Option(names = "--step-threshold", paramLabel = "DURATION", converter = DurationNanosConverter.class,
            description = "A correction larger than this is stepped (once, the first time); smaller ones are slewed."
                    + " Default: 100ms.")
    public long stepThresholdNanos = 100_000_000L;

    @Option(names = "--max-slew-ppm", paramLabel = "PPM",
            description = "Fastest slew rate in ppm; the clock never runs backwards. Default: ${DEFAULT-VALUE}.")
    public long maxSlewPpm = 50_000;

    @Option(names = "--max-connections", paramLabel = "N",
            description = "Open protocol connections allowed in total. Default: ${DEFAULT-VALUE}.")
    public int maxConnections = 2048;

    @Option(names = "--max-connections-per-address", paramLabel = "N",
            description = "Open protocol connections allowed from one IP address. Default: ${DEFAULT-VALUE}.")
    public int maxConnectionsPerAddress = 64;

    @Option(names = "--hello-timeout", paramLabel = "DURATION", converter = DurationNanosConverter.class,
            description = "A connection whose first whole frame has not arrived by then is closed, also when it"
                    + " trickles bytes. Default: 5s.")
    public long helloTimeoutNanos = 5_000_000_000L;

    @Option(names = "--read-timeout", paramLabel = "DURATION", converter = DurationNanosConverter.class,
            description = "A member connection silent for this long is closed (at least 3 round intervals are"
                    + " always allowed). Default: 10s.")
    public long readTimeoutNanos = 10_000_000_000L;

    @Option(names = "--warmup", paramLabel = "N",
            description = "Request/response exchanges with itself at start, so the hot path is compiled before the"
                    + " first round is measured; at most 3 s are spent (0 turns it off). Default: ${DEFAULT-VALUE}.")
    public int warmupExchanges = 5_000;

    /** Whether this daemon runs the logical-clock system ({@code --clock logical}). */
    public boolean logical() {
        return "logical".equals(clockKind);
    }

    /** The logical-clock settings these options describe; call after {@link #problem()} found none. */
    public LogicalConfig logicalConfig() {
        return LogicalConfig.of(logicalStepNanos, logicalPInternal, logicalPReport, logicalPRequest, logicalTickNanos,
                logicalMaxDeviation);
    }

    /** The --byzantine behaviour, HONEST without it. */
    public ByzantineBehaviour byzantineBehaviour() {
        return byzantine == null ? ByzantineBehaviour.HONEST : ByzantineBehaviour.parse(byzantine);
    }

    /** The failure detection and election settings these options describe. */
    public ClusterConfig clusterConfig() {
        DelayBounds all = ClusterConfig.defaults().defaultBounds();
        java.util.Map<Integer, DelayBounds> byPeer = new java.util.TreeMap<>();
        for (PeerDelayBounds b : delayBounds) {
            if (b.peerId() == 0) {
                all = b.bounds();
            } else {
                byPeer.put(b.peerId(), b.bounds());
            }
        }
        ClusterConfig d = ClusterConfig.defaults();
        long tickNanos = Math.min(d.tickNanos(), heartbeatIntervalNanos);
        return new ClusterConfig(heartbeatIntervalNanos, all, byPeer, HeartbeatTopology.parse(heartbeatTopology),
                election, tickNanos, d.discoveryTimeoutNanos(), d.startupTimeoutNanos());
    }

    public String displayName() {
        return name == null || name.isBlank() ? "node-" + id : name;
    }

    /** Checks what picocli cannot; returns null when all is well, else one line saying what is wrong. */
    public String problem() {
        if (id <= 0) {
            return "--id must be a positive whole number, got " + id;
        }
        if (name != null && name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 64) {
            return "--name is longer than 64 bytes";
        }
        if (Double.isNaN(simDriftPpm) || Math.abs(simDriftPpm) > 1000) {
            return "--sim-drift-ppm must be between -1000 and 1000, got " + simDriftPpm;
        }
        if (Math.abs(simOffsetNanos) > 10L * 365 * 24 * 3_600_000_000_000L) {
            return "--sim-offset must be within 10 years";
        }
        if (intervalNanos < 10_000_000L || intervalNanos > 3_600_000_000_000L) {
            return "--interval must be between 10ms and 1h";
        }
        if (roundTimeoutNanos <= 0 || roundTimeoutNanos >= intervalNanos) {
            return "--round-timeout must be positive and shorter than --interval";
        }
        if (burst < 1 || burst > 16) {
            return "--burst must be between 1 and 16";
        }
        if (probationRounds < 0 || probationRounds > 16) {
            return "--probation-rounds must be between 0 and 16";
        }
        if (maxDeviationNanos <= 0) {
            return "--max-deviation must be positive";
        }
        if (stepThresholdNanos <= 0) {
            return "--step-threshold must be positive";
        }
        if (maxSlewPpm <= 0 || maxSlewPpm >= 500_000) {
            return "--max-slew-ppm must be between 1 and 499999";
        }
        if (maxConnections < 1 || maxConnections > 100_000) {
            return "--max-connections must be between 1 and 100000";
        }
        if (maxConnectionsPerAddress < 1) {
            return "--max-connections-per-address must be at least 1";
        }
        if (warmupExchanges < 0 || warmupExchanges > 1_000_000) {
            return "--warmup must be between 0 and 1000000";
        }
        if (helloTimeoutNanos <= 0 || readTimeoutNanos <= 0) {
            return "--hello-timeout and --read-timeout must be positive";
        }
        for (PeerSpec p : peers) {
            if (p.id() == id) {
                return "--peers lists this node's own id " + id + "; list only the other nodes";
            }
        }
        if (ntpStratum < 1 || ntpStratum > 15) {
            return "--ntp-stratum must be between 1 and 15 (16 means unsynchronized), got " + ntpStratum;
        }
        if (ntpRateLimitIntervalNanos != 0
                && (ntpRateLimitIntervalNanos < 1_000_000L || ntpRateLimitIntervalNanos > 3_600_000_000_000L)) {
            return "--ntp-ratelimit-interval must be 0s (off) or between 1ms and 1h, got "
                    + Durations.signed(ntpRateLimitIntervalNanos);
        }
        if (ntpRateLimitBurst < 1 || ntpRateLimitBurst > 10_000) {
            return "--ntp-ratelimit-burst must be between 1 and 10000, got " + ntpRateLimitBurst;
        }
        if (upstreamPollNanos < 100_000_000L || upstreamPollNanos > 3_600_000_000_000L) {
            return "--upstream-poll must be between 100ms and 1h, got " + Durations.signed(upstreamPollNanos);
        }
        if (upstream != null && upstream.port() == 0) {
            return "--upstream needs the server's port, e.g. " + upstream.host() + ":123";
        }
        int tlsFiles = (tlsCert != null ? 1 : 0) + (tlsKey != null ? 1 : 0) + (tlsCa != null ? 1 : 0);
        if (tlsFiles != 0 && tlsFiles != 3) {
            return "TLS needs all of --tls-cert, --tls-key and --tls-ca (mutual authentication), got " + tlsFiles
                    + " of them";
        }
        for (Path p : new Path[] {keyFile, tlsCert, tlsKey, tlsCa}) {
            if (p != null && !java.nio.file.Files.isReadable(p)) {
                return "cannot read " + p + (java.nio.file.Files.exists(p) ? " (permissions?)" : " (no such file)");
            }
        }
        if (tlsKey != null) {
            try {
                org.clocksync.protocol.auth.KeyFile.checkPrivate(tlsKey, "--tls-key",
                        "anyone on this host could pose as this node");
            } catch (org.clocksync.protocol.auth.KeyFileException e) {
                return e.getMessage();
            }
        }
        int minFrame = org.clocksync.protocol.ProtocolLimits.HEADER_BYTES
                + org.clocksync.protocol.auth.FrameAuth.TRAILER_BYTES;
        if (maxFrameBytes < minFrame || maxFrameBytes > org.clocksync.protocol.ProtocolLimits.MAX_FRAME_BYTES) {
            return "--max-frame-bytes must be between " + minFrame + " and "
                    + org.clocksync.protocol.ProtocolLimits.MAX_FRAME_BYTES + ", got " + maxFrameBytes;
        }
        if (maxOutboundBytes < 4096 || maxOutboundBytes > 16 * 1024 * 1024) {
            return "--max-outbound-bytes must be between 4096 and 16777216, got " + maxOutboundBytes;
        }
        if (id > Epochs.MAX_NODE_ID) {
            return "--id must be at most " + Epochs.MAX_NODE_ID + " (epochs name their master's id), got " + id;
        }
        for (PeerSpec p : peers) {
            if (p.id() > Epochs.MAX_NODE_ID) {
                return "--peers: node ids must be at most " + Epochs.MAX_NODE_ID + ", got " + p.id();
            }
        }
        if (heartbeatIntervalNanos < ClusterConfig.MIN_PERIOD_NANOS
                || heartbeatIntervalNanos > ClusterConfig.MAX_PERIOD_NANOS) {
            return "--heartbeat-interval must be between 1ms and 60s, got " + Durations.signed(heartbeatIntervalNanos);
        }
        try {
            HeartbeatTopology.parse(heartbeatTopology);
        } catch (IllegalArgumentException e) {
            return "--heartbeat-topology: " + e.getMessage();
        }
        for (PeerDelayBounds b : delayBounds) {
            if (b.peerId() != 0 && peers.stream().noneMatch(p -> p.id() == b.peerId())) {
                return "--delay-bounds names node " + b.peerId() + ", which is not in --peers";
            }
        }
        if (trace != null && !org.clocksync.core.logical.TraceFormat.isHostName(displayName())) {
            return "--trace needs a --name that starts with a letter and has only letters, digits, '.', '_' and '-'"
                    + " (it names this node in the trace), got \"" + displayName() + "\"";
        }
        if (traceMaxMb < 1 || traceMaxMb > 100_000) {
            return "--trace-max-mb must be between 1 and 100000, got " + traceMaxMb;
        }
        if (!"physical".equals(clockKind) && !"logical".equals(clockKind)) {
            return "--clock takes physical or logical, got " + clockKind;
        }
        if (byzantine != null) {
            if (!logical()) {
                return "--byzantine needs --clock logical: it makes a process object lie about its counter";
            }
            try {
                ByzantineBehaviour.parse(byzantine);
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        }
        if (logical()) {
            String logicalProblem = LogicalConfig.problem(logicalStepNanos, logicalPInternal, logicalPReport,
                    logicalPRequest, logicalTickNanos, logicalMaxDeviation);
            if (logicalProblem != null) {
                return logicalProblem;
            }
            if (!peers.isEmpty()) {
                return "--peers is not used with --clock logical: the logical daemons run no heartbeats or"
                        + " elections (the MO is fixed); drop --peers";
            }
        }
        return null;
    }
}
