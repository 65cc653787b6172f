package org.clocksync.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.clocksync.protocol.Signing.FIRST_SEQUENCE;
import static org.clocksync.protocol.Signing.SECRET_1;
import static org.clocksync.protocol.Signing.key;
import static org.clocksync.protocol.Signing.ring;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.clocksync.protocol.auth.FrameAuth;
import org.junit.jupiter.api.Test;

/** A signed frame bound to its receiver verifies only there (PROTOCOL.md section 1.2, "Receiver binding"). */
class ReceiverBindingTest {
    private static final int SENDER = 5;
    private static final Frame HEARTBEAT = new Frame(SENDER, 1, 10, new Message.Heartbeat(3, 5));
    private static final Frame POLL = new Frame(SENDER, 1, 11, new Message.BerkeleyPoll(7, 2));
    private static final Frame ADJUST = new Frame(SENDER, 1, 12, new Message.BerkeleyAdjust(7, 2, -1_000));
    private static final Frame CRISTIAN = new Frame(SENDER, 0, 13, new Message.CristianRequest(9));
    private static final Frame HELLO = new Frame(SENDER, 0, 14, new Message.Hello(1, "LAB"));

    private final FrameAuth sender = new FrameAuth(ring(key(1, SECRET_1, true)), FIRST_SEQUENCE, SENDER);

    private static FrameAuth node(int id) {
        return new FrameAuth(ring(key(1, SECRET_1, true)), 1, id);
    }

    private byte[] signed(Frame frame, int receiverId) {
        ByteBuf buf = Unpooled.buffer();
        try {
            FrameCodec.encode(frame, buf, sender, receiverId);
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    @Test
    void aFrameBoundToANodeIsTakenThereAndFailsItsTagEverywhereElse() {
        byte[] toTwo = signed(HEARTBEAT, 2);
        Received atTwo = receive(node(2), toTwo);
        assertThat(atTwo.frames).containsExactly(HEARTBEAT);
        Received atThree = receive(node(3), toTwo);
        assertThat(atThree.frames).as("redirected to node 3, which never saw its sequence").isEmpty();
        assertThat(atThree.counters.count(RejectReason.BAD_TAG)).isEqualTo(1);
    }

    @Test
    void unboundClusterFramesAreMisdirectedAtANode() {
        for (Frame frame : List.of(HEARTBEAT, POLL, ADJUST)) {
            Received r = receive(node(2), signed(frame, FrameAuth.UNBOUND));
            assertThat(r.frames).as(frame.type().name()).isEmpty();
            assertThat(r.counters.count(RejectReason.MISDIRECTED)).isEqualTo(1);
        }
    }

    @Test
    void introductionsAndRequestsMayBeUnbound() {
        Received r = receive(node(2), signed(HELLO, FrameAuth.UNBOUND), signed(CRISTIAN, FrameAuth.UNBOUND));
        assertThat(r.frames).containsExactly(HELLO, CRISTIAN);
        assertThat(r.counters.total()).isZero();
    }

    @Test
    void aClientWithoutAnIdTakesUnboundFramesOnly() {
        FrameAuth client = new FrameAuth(ring(key(1, SECRET_1, true)), 1);
        assertThat(receive(client, signed(HEARTBEAT, FrameAuth.UNBOUND)).frames).containsExactly(HEARTBEAT);
        Received bound = receive(client, signed(HEARTBEAT, 2));
        assertThat(bound.frames).isEmpty();
        assertThat(bound.counters.count(RejectReason.BAD_TAG)).isEqualTo(1);
    }

    @Test
    void theEncoderBindsToTheChannelsReceiver() {
        EmbeddedChannel out = new EmbeddedChannel(new FrameEncoder(sender));
        out.attr(FrameEncoder.RECEIVER_ID).set(2);
        out.writeOutbound(POLL);
        ByteBuf wire = out.readOutbound();
        byte[] bytes = ByteBufUtil.getBytes(wire);
        wire.release();
        out.finishAndReleaseAll();
        assertThat(receive(node(2), bytes).frames).containsExactly(POLL);
        assertThat(receive(node(4), bytes).frames).isEmpty();
    }

    @Test
    void anUnboundTagIsTheSameAsBeforeBindingExisted() {
        FrameAuth a = new FrameAuth(ring(key(1, SECRET_1, true)), FIRST_SEQUENCE);
        FrameAuth b = new FrameAuth(ring(key(1, SECRET_1, true)), FIRST_SEQUENCE, 9);
        ByteBuf x = Unpooled.buffer();
        ByteBuf y = Unpooled.buffer();
        FrameCodec.encode(HELLO, x, a);
        FrameCodec.encode(HELLO, y, b, FrameAuth.UNBOUND);
        assertThat(ByteBufUtil.getBytes(x)).isEqualTo(ByteBufUtil.getBytes(y));
        x.release();
        y.release();
    }

    private record Received(List<Frame> frames, RejectionCounters counters) {
    }

    private static Received receive(FrameAuth auth, byte[]... frames) {
        RejectionCounters counters = new RejectionCounters();
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(ProtocolLimits.MAX_FRAME_BYTES, counters, auth));
        List<ByteBuf> inputs = new ArrayList<>();
        for (byte[] frame : frames) {
            ByteBuf buf = Unpooled.wrappedBuffer(frame.clone());
            inputs.add(buf);
            channel.writeInbound(buf);
            channel.checkException();
        }
        List<Frame> decoded = new ArrayList<>();
        for (Object m = channel.readInbound(); m != null; m = channel.readInbound()) {
            decoded.add((Frame) m);
        }
        channel.finishAndReleaseAll();
        for (ByteBuf input : inputs) {
            assertThat(input.refCnt()).isZero();
        }
        return new Received(decoded, counters);
    }
}
