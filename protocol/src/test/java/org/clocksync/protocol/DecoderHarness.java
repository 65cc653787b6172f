package org.clocksync.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;

/** An EmbeddedChannel around one FrameDecoder, with its own instrumented allocator so a test can prove that no ByteBuf leaked. */
final class DecoderHarness {
    /** Unpooled and instrumented: usedHeapMemory() drops back to 0 only when every buffer it handed out was released. */
    private final UnpooledByteBufAllocator alloc;
    final RejectionCounters counters = new RejectionCounters();
    final EmbeddedChannel channel;

    DecoderHarness() {
        this(ProtocolLimits.MAX_FRAME_BYTES);
    }

    DecoderHarness(int maxFrameBytes, ChannelHandler... before) {
        this(new UnpooledByteBufAllocator(false), maxFrameBytes, before);
    }

    DecoderHarness(UnpooledByteBufAllocator alloc, int maxFrameBytes, ChannelHandler... before) {
        this.alloc = alloc;
        channel = new EmbeddedChannel();
        channel.config().setAllocator(alloc);
        channel.pipeline().addLast(before);
        channel.pipeline().addLast(new FrameDecoder(maxFrameBytes, counters));
    }

    /** Writes each chunk as its own read; stops (without allocating the rest) once the decoder has closed the channel. */
    DecoderHarness write(byte[]... chunks) {
        for (byte[] chunk : chunks) {
            if (!channel.isOpen()) {
                break;
            }
            ByteBuf buf = alloc.heapBuffer(chunk.length);
            buf.writeBytes(chunk);
            channel.writeInbound(buf);
        }
        return this;
    }

    DecoderHarness writeByteByByte(byte[] bytes) {
        for (byte b : bytes) {
            write(new byte[] {b});
        }
        return this;
    }

    List<Frame> frames() {
        List<Frame> frames = new ArrayList<>();
        for (Object msg = channel.readInbound(); msg != null; msg = channel.readInbound()) {
            frames.add((Frame) msg);
        }
        return frames;
    }

    /** Closes the channel (so a buffered partial frame is counted) and checks that nothing leaked and no exception escaped. */
    DecoderHarness finish() {
        channel.finish();
        channel.checkException();
        assertNoLeaks();
        return this;
    }

    void assertNoLeaks() {
        assertThat(alloc.metric().usedHeapMemory()).as("heap bytes still allocated").isZero();
        assertThat(alloc.metric().usedDirectMemory()).as("direct bytes still allocated").isZero();
    }
}
