package org.clocksync.node.net;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import org.clocksync.node.config.DaemonOptions;
import org.clocksync.protocol.FrameDecoder;
import org.clocksync.protocol.FrameEncoder;
import org.clocksync.protocol.HostPort;
import org.clocksync.protocol.RejectionCounter;
import org.clocksync.protocol.auth.FrameAuth;
import org.clocksync.protocol.auth.KeyFile;
import org.clocksync.protocol.auth.KeyFileException;
import org.clocksync.protocol.auth.KeyRing;
import org.clocksync.protocol.tls.TlsContexts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What protects a node's protocol connections: the cluster key (frame tags and replay windows) and mutual TLS, each
 * optional. Builds the codec and TLS handlers for every protocol pipeline, so no connection can be set up without them.
 */
public final class ProtocolSecurity {
    private static final Logger LOG = LoggerFactory.getLogger(ProtocolSecurity.class);
    public static final String TLS_HANDLER = "tls";

    private final Path keyFile;
    private final FrameAuth auth;
    private final FrameEncoder encoder;
    private final int maxFrameBytes;
    private final SslContext tlsServer;
    private final SslContext tlsClient;
    private FileTime keyFileModified;
    private long keyFileSize;

    private ProtocolSecurity(Path keyFile, FrameAuth auth, int maxFrameBytes, SslContext tlsServer,
            SslContext tlsClient) {
        this.keyFile = keyFile;
        this.auth = auth;
        this.encoder = new FrameEncoder(auth);
        this.maxFrameBytes = maxFrameBytes;
        this.tlsServer = tlsServer;
        this.tlsClient = tlsClient;
        if (keyFile != null) {
            rememberKeyFileVersion();
        }
    }

    /**
     * Loads the key file and TLS material the options name. Throws IllegalArgumentException with one line naming the
     * file and what is wrong; never with key bytes in it.
     */
    public static ProtocolSecurity from(DaemonOptions options, long firstSequence) {
        FrameAuth auth = null;
        if (options.keyFile != null) {
            try {
                auth = new FrameAuth(KeyFile.load(options.keyFile), firstSequence, options.id);
            } catch (KeyFileException e) {
                throw new IllegalArgumentException(e.getMessage());
            }
        }
        SslContext server = null;
        SslContext client = null;
        if (options.tlsCert != null) {
            server = tls(options, true);
            client = tls(options, false);
        }
        return new ProtocolSecurity(options.keyFile, auth, options.maxFrameBytes, server, client);
    }

    /** No key and no TLS: plain frames, for tools and tests. */
    public static ProtocolSecurity none() {
        return new ProtocolSecurity(null, null, org.clocksync.protocol.ProtocolLimits.MAX_FRAME_BYTES, null, null);
    }

    private static SslContext tls(DaemonOptions options, boolean server) {
        return server ? TlsContexts.server(options.tlsCert, options.tlsKey, options.tlsCa)
                : TlsContexts.client(options.tlsCert, options.tlsKey, options.tlsCa);
    }

    /** The frame authenticator, or null without --key-file. */
    public FrameAuth auth() {
        return auth;
    }

    public boolean authenticated() {
        return auth != null;
    }

    public boolean tls() {
        return tlsServer != null;
    }

    /** The node's encoder: it signs when there is a key. Shared by all channels. */
    public FrameEncoder encoder() {
        return encoder;
    }

    /** A decoder for one new channel. */
    public FrameDecoder decoder(RejectionCounter counter) {
        return new FrameDecoder(maxFrameBytes, counter, auth);
    }

    /**
     * Adds the TLS handler at the end of a new channel's pipeline so far (so after the connection limiter, before
     * the timeout and codec) when TLS is on; {@code remote} for clients.
     */
    public void addTls(Channel channel, boolean client, HostPort remote) {
        if (tlsServer == null) {
            return;
        }
        var handler = client
                ? tlsClient.newHandler(channel.alloc(), remote.host(), remote.port())
                : tlsServer.newHandler(channel.alloc());
        channel.pipeline().addLast(TLS_HANDLER, handler);
    }

    /** Key ids for /status and logs, e.g. "1,2(accept)"; never the secrets. Null without a key. */
    public String keyIds() {
        return auth == null ? null : auth.keyRing().describe();
    }

    /**
     * Reloads the key file when it changed since the last look, so a key rotation needs no restart; a file that no
     * longer loads is logged and the keys in use are kept. Returns true when new keys were taken.
     */
    public synchronized boolean reloadKeysIfChanged() {
        if (auth == null) {
            return false;
        }
        FileTime modified;
        long size;
        try {
            modified = Files.getLastModifiedTime(keyFile);
            size = Files.size(keyFile);
        } catch (IOException e) {
            LOG.warn("event=key_reload_failed file={} error=\"cannot read: {}\" note=\"keeping keys {}\"", keyFile,
                    e.getMessage(), keyIds());
            return false;
        }
        if (Objects.equals(modified, keyFileModified) && size == keyFileSize) {
            return false;
        }
        keyFileModified = modified;
        keyFileSize = size;
        KeyRing next;
        try {
            next = KeyFile.load(keyFile);
        } catch (KeyFileException e) {
            LOG.warn("event=key_reload_failed error=\"{}\" note=\"keeping keys {}\"", e.getMessage(), keyIds());
            return false;
        }
        String before = keyIds();
        auth.replaceKeyRing(next);
        LOG.info("event=keys_reloaded file={} before={} now={} signingKey={}", keyFile, before, keyIds(),
                next.signingKey().id());
        return true;
    }

    private void rememberKeyFileVersion() {
        try {
            keyFileModified = Files.getLastModifiedTime(keyFile);
            keyFileSize = Files.size(keyFile);
        } catch (IOException e) {
            keyFileModified = null;
        }
    }
}
