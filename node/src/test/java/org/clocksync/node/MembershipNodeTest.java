package org.clocksync.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.clocksync.node.config.DaemonOptions;
import org.clocksync.node.config.PeerSpec;
import org.clocksync.node.role.MasterRole;
import org.clocksync.protocol.ErrorCode;
import org.clocksync.protocol.Frame;
import org.clocksync.protocol.FrameCodec;
import org.clocksync.protocol.HostPort;
import org.clocksync.protocol.Message;
import org.clocksync.protocol.ProtocolLimits;
import org.clocksync.protocol.auth.FrameAuth;
import org.clocksync.protocol.auth.KeyFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may join a master: only ids in --peers, and a connected id is displaced only by a signed HELLO. */
class MembershipNodeTest {
    private static final String SECRET = HexFormat.of().formatHex(new byte[32]).replace('0', '7');

    @TempDir
    Path dir;
    private Node master;

    @AfterEach
    void stop() {
        if (master != null) {
            master.close();
        }
    }

    private Node startMaster(Path keyFile) {
        DaemonOptions o = TestNodeOptions.loopback(5, null);
        // Node 1 is listed but never runs: the master only needs to know the member ids.
        o.peers = List.of(new PeerSpec(1, new HostPort("127.0.0.1", 1)), new PeerSpec(2, new HostPort("127.0.0.1", 1)));
        o.keyFile = keyFile;
        assertThat(o.problem()).isNull();
        master = new Node(o, MasterRole::new).start();
        return master;
    }

    private Path keyFile() throws IOException {
        Path key = dir.resolve("cluster.key");
        Files.writeString(key, "1 " + SECRET + "\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        return key;
    }

    @Test
    void aSignedHelloForAConnectedIdDisplacesTheOldConnection() throws Exception {
        Path key = keyFile();
        startMaster(key);
        FrameAuth node1 = new FrameAuth(KeyFile.load(key), 1_000, 1);
        try (Client first = joined(node1); Client second = new Client(node1)) {
            Frame answer = second.hello(1);
            assertThat(answer.message()).isInstanceOf(Message.Welcome.class);
            assertThat(first.closedByMaster()).as("the stale connection is closed").isTrue();
        }
    }

    @Test
    void withoutAKeyTheFirstConnectionOfAnIdIsKept() throws Exception {
        startMaster(null);
        try (Client first = joined(null); Client second = new Client(null)) {
            Frame answer = second.hello(1);
            assertThat(answer.message()).isInstanceOfSatisfying(Message.ErrorMessage.class,
                    e -> assertThat(e.text()).contains("already connected"));
            assertThat(first.ask().message()).as("the first member still answered")
                    .isInstanceOf(Message.CristianResponse.class);
        }
        assertThat(master.metrics().connectionsClosed("duplicate_id")).isEqualTo(1);
    }

    @Test
    void aNodeOutsidePeersIsRefusedAtHello() throws Exception {
        Path key = keyFile();
        startMaster(key);
        try (Client stranger = new Client(new FrameAuth(KeyFile.load(key), 1_000, 9))) {
            Frame answer = stranger.hello(9);
            assertThat(answer.message()).isInstanceOfSatisfying(Message.ErrorMessage.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.NOT_A_MEMBER);
                assertThat(e.text()).contains("node 9 is not in node 5's --peers");
            });
            assertThat(stranger.closedByMaster()).isTrue();
        }
        assertThat(master.metrics().connectionsClosed("not_a_member")).isEqualTo(1);
    }

    /** A connection of node 1 that the master welcomed (retried while the master is still starting). */
    private Client joined(FrameAuth auth) {
        AtomicReference<Client> joined = new AtomicReference<>();
        await("node 1 joins").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            Client c = new Client(auth);
            if (c.hello(1).message() instanceof Message.Welcome) {
                joined.set(c);
                return true;
            }
            c.close();
            return false;
        });
        return joined.get();
    }

    /** A blocking protocol client that signs with {@code auth} (or not, when null) and checks what it reads. */
    private final class Client implements AutoCloseable {
        private final FrameAuth auth;
        private final Socket socket = new Socket();
        private final DataInputStream in;

        Client(FrameAuth auth) throws IOException {
            this.auth = auth;
            socket.setSoTimeout(5_000);
            HostPort listen = master.boundListen();
            socket.connect(new InetSocketAddress(listen.host(), listen.port()), 5_000);
            in = new DataInputStream(socket.getInputStream());
        }

        Frame hello(int id) throws IOException {
            send(new Frame(id, 0, 1, new Message.Hello(7, "node" + id)));
            return read();
        }

        /** Asks for the time; skips the polls a member gets meanwhile (at most 64 frames). */
        Frame ask() throws IOException {
            send(new Frame(1, 0, 2, new Message.CristianRequest(8)));
            for (int i = 0; i < 64; i++) {
                Frame f = read();
                if (!(f.message() instanceof Message.BerkeleyPoll)) {
                    return f;
                }
            }
            throw new AssertionError("64 polls and no answer to the time request");
        }

        boolean closedByMaster() throws IOException {
            try {
                while (true) {
                    read();
                }
            } catch (EOFException | SocketException e) {
                return true;
            }
        }

        private void send(Frame frame) throws IOException {
            ByteBuf buf = Unpooled.buffer();
            try {
                FrameCodec.encode(frame, buf, auth);
                socket.getOutputStream().write(ByteBufUtil.getBytes(buf));
            } finally {
                buf.release();
            }
        }

        private Frame read() throws IOException {
            int length = in.readInt();
            assertThat(length).isBetween(ProtocolLimits.HEADER_BYTES, ProtocolLimits.MAX_FRAME_BYTES);
            byte[] frame = new byte[4 + length];
            in.readFully(frame, 4, length);
            ByteBuf buf = Unpooled.wrappedBuffer(frame).setInt(0, length);
            if (auth != null) {
                assertThat(FrameCodec.verifyTag(auth, buf, 0, frame.length)).as("the master's answer is signed for us").isNull();
            }
            try {
                return FrameCodec.decodeBody(buf.slice(4, length));
            } catch (org.clocksync.protocol.FrameRejectedException e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
