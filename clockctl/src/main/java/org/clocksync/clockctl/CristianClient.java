package org.clocksync.clockctl;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.clocksync.core.cristian.CristianReading;
import org.clocksync.protocol.Frame;
import org.clocksync.protocol.FrameCodec;
import org.clocksync.protocol.FrameRejectedException;
import org.clocksync.protocol.HostPort;
import org.clocksync.protocol.Message;
import org.clocksync.protocol.ProtocolLimits;
import org.clocksync.protocol.RejectReason;
import org.clocksync.protocol.auth.FrameAuth;
import org.clocksync.protocol.tls.TlsContexts;

/** Takes Cristian readings from one server over the binary protocol: blocking, one connection, bounded waits. */
final class CristianClient implements AutoCloseable {
    /** clockctl is no cluster member; it signs its frames with the largest id, which no --id should use. */
    static final int CLIENT_ID = Integer.MAX_VALUE;
    private static final int TIMEOUT_MILLIS = 2_000;

    private final HostPort server;
    /** Signs requests and checks answers; null for daemons without a key. */
    private final FrameAuth auth;
    /** Wraps the connection in TLS; null for daemons without --tls-*. */
    private final SSLSocketFactory tls;
    private long lastSequence = Long.MIN_VALUE;
    private Socket socket = new Socket();
    private DataInputStream in;
    private OutputStream out;
    private long nextRequestId = 1;

    CristianClient(HostPort server, FrameAuth auth, SSLSocketFactory tls) {
        this.server = server;
        this.auth = auth;
        this.tls = tls;
    }

    CristianClient connect() throws IOException {
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        socket.connect(new InetSocketAddress(server.host(), server.port()), TIMEOUT_MILLIS);
        if (tls != null) {
            SSLSocket ssl = (SSLSocket) tls.createSocket(socket, server.host(), server.port(), true);
            SSLParameters p = ssl.getSSLParameters();
            // As between the daemons: the cluster's CA makes a server genuine, not its host name.
            p.setEndpointIdentificationAlgorithm(null);
            p.setProtocols(TlsContexts.PROTOCOLS);
            ssl.setSSLParameters(p);
            socket = ssl;
            ssl.startHandshake();
        }
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        return this;
    }

    /** One request/response; the host clock stamps the send and the arrival. */
    CristianReading read(long minDelayNanos) throws IOException {
        long requestId = nextRequestId++;
        byte[] request = encode(new Frame(CLIENT_ID, 0, requestId, new Message.CristianRequest(requestId)));
        long sentNanos = ClientClock.nowNanos();
        out.write(request);
        out.flush();
        for (int skipped = 0; skipped < 16; skipped++) {
            Frame frame = readFrame();
            long receivedNanos = ClientClock.nowNanos();
            if (frame.message() instanceof Message.CristianResponse response && response.requestId() == requestId) {
                return new CristianReading(server.toString(), sentNanos, receivedNanos, response.clockNanos(),
                        Math.min(minDelayNanos, (receivedNanos - sentNanos) / 2));
            }
            if (frame.message() instanceof Message.ErrorMessage error) {
                throw new IOException(server + " refused: " + error.text());
            }
        }
        throw new IOException(server + " sent 16 frames without answering the time request");
    }

    private Frame readFrame() throws IOException {
        int length;
        try {
            length = in.readInt();
        } catch (EOFException e) {
            throw new IOException(server + " closed the connection without answering" + (tls == null
                    ? " (does it run with --tls-*? then give clockctl --tls-cert, --tls-key and --tls-ca)"
                    : " (did it refuse clockctl's certificate?)"), e);
        }
        if (length < ProtocolLimits.HEADER_BYTES || length > ProtocolLimits.MAX_FRAME_BYTES) {
            throw new IOException(server + " sent a frame length of " + length + ": is it a clocksync protocol port?");
        }
        byte[] frame = new byte[ProtocolLimits.LENGTH_FIELD_BYTES + length];
        in.readFully(frame, ProtocolLimits.LENGTH_FIELD_BYTES, length);
        ByteBuf buf = Unpooled.wrappedBuffer(frame);
        buf.setInt(0, length);
        try {
            checkSignature(buf);
            return FrameCodec.decodeBody(buf.slice(ProtocolLimits.LENGTH_FIELD_BYTES, length));
        } catch (FrameRejectedException e) {
            throw new IOException(server + " sent a bad frame: " + e.getMessage(), e);
        }
    }

    /** With a key, an answer must be signed with one of its keys and carry a sequence above the last one. */
    private void checkSignature(ByteBuf frame) throws IOException {
        boolean signed = (frame.getUnsignedByte(ProtocolLimits.LENGTH_FIELD_BYTES + FrameCodec.FLAGS_AT)
                & FrameCodec.FLAG_AUTH) != 0;
        if (auth == null) {
            if (signed) {
                throw new IOException(server + " signs its frames: give clockctl the cluster's --key-file");
            }
            return;
        }
        if (!signed || frame.readableBytes() < ProtocolLimits.LENGTH_FIELD_BYTES + ProtocolLimits.HEADER_BYTES
                + FrameAuth.TRAILER_BYTES) {
            throw new IOException(server + " answered unsigned: it runs without --key-file, or something on the path"
                    + " answered for it");
        }
        RejectReason wrong = FrameCodec.verifyTag(auth, frame, 0, frame.readableBytes());
        if (wrong != null) {
            throw new IOException(server + " answered with a frame that fails authentication (" + wrong.metricLabel()
                    + "): " + wrong.advice());
        }
        long sequence = FrameAuth.sequenceOf(frame, 0, frame.readableBytes());
        if (sequence <= lastSequence) {
            throw new IOException(server + " sent a replayed answer (sequence " + sequence + ")");
        }
        lastSequence = sequence;
    }

    private byte[] encode(Frame frame) {
        ByteBuf buf = Unpooled.buffer();
        try {
            FrameCodec.encode(frame, buf, auth);
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
