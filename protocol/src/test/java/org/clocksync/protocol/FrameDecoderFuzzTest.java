package org.clocksync.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random bytes and mutated valid frames, in random chunks: whatever arrives, the decoder either yields frames whose
 * re-encoding is exactly the bytes they came from, or counts one rejection and closes; nothing throws or leaks.
 */
class FrameDecoderFuzzTest {
    private static final long SEED = 0xC10C_5EEDL;
    private static final int ITERATIONS = 20_000;
    private static final List<byte[]> VALID = java.util.stream.Stream.concat(ProtocolExamples.all().stream(),
            ProtocolExamples.withVector().stream()).map(Wire::bytes).toList();

    @Test
    void randomAndMutatedInputIsDecodedOrRejectedCleanly() {
        Random random = new Random(SEED);
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
        int decodedFrames = 0;
        int rejected = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] input = input(random);
            DecoderHarness h = new DecoderHarness(alloc, ProtocolLimits.MAX_FRAME_BYTES);
            h.write(chunks(random, input));
            boolean closedByDecoder = !h.channel.isOpen();
            h.finish();
            List<Frame> frames = h.frames();
            byte[] reencoded = Wire.concat(frames.stream().map(Wire::bytes).toArray(byte[][]::new));
            String what = "iteration " + i + ", input " + io.netty.buffer.ByteBufUtil.hexDump(input);

            assertThat(Arrays.copyOf(input, Math.min(input.length, reencoded.length))).as(what).isEqualTo(reencoded);
            long expectedRejections = reencoded.length == input.length ? 0 : 1;
            assertThat(h.counters.total()).as(what).isEqualTo(expectedRejections);
            if (expectedRejections == 1) {
                boolean truncated = h.counters.count(RejectReason.TRUNCATED) == 1;
                assertThat(closedByDecoder).as("closed by the decoder unless truncated: " + what).isEqualTo(!truncated);
            }
            decodedFrames += frames.size();
            rejected += (int) expectedRejections;
        }
        assertThat(decodedFrames).as("the mutations still let many frames through").isGreaterThan(ITERATIONS / 2);
        assertThat(rejected).as("and reject many").isGreaterThan(ITERATIONS / 2);
    }

    private static byte[] input(Random random) {
        byte[] valid = VALID.get(random.nextInt(VALID.size()));
        switch (random.nextInt(9)) {
            case 0:
                return randomBytes(random, random.nextInt(80));
            case 1:
                return Wire.concat(Wire.lengthPrefix(25 + random.nextInt(60)), randomBytes(random, random.nextInt(90)));
            case 2:
                return flipBits(random, valid, 1 + random.nextInt(3));
            case 3:
                return Wire.with(valid, random.nextInt(valid.length), random.nextInt(256));
            case 4:
                return Arrays.copyOf(valid, random.nextInt(valid.length + 1));
            case 5:
                return insert(random, valid);
            case 6:
                return delete(random, valid);
            case 7:
                return Wire.concat(valid, VALID.get(random.nextInt(VALID.size())), VALID.get(random.nextInt(VALID.size())));
            default:
                byte[] two = Wire.concat(valid, VALID.get(random.nextInt(VALID.size())));
                return Wire.with(two, random.nextInt(two.length), random.nextInt(256));
        }
    }

    private static byte[][] chunks(Random random, byte[] input) {
        List<byte[]> chunks = new ArrayList<>();
        int at = 0;
        while (at < input.length) {
            int size = random.nextBoolean() ? 1 + random.nextInt(4) : 1 + random.nextInt(input.length);
            int end = Math.min(input.length, at + size);
            chunks.add(Arrays.copyOfRange(input, at, end));
            at = end;
        }
        return chunks.toArray(byte[][]::new);
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] flipBits(Random random, byte[] valid, int count) {
        byte[] copy = valid.clone();
        for (int i = 0; i < count; i++) {
            copy[random.nextInt(copy.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return copy;
    }

    private static byte[] insert(Random random, byte[] valid) {
        int at = random.nextInt(valid.length + 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(valid, 0, at);
        out.writeBytes(randomBytes(random, 1 + random.nextInt(4)));
        out.write(valid, at, valid.length - at);
        return out.toByteArray();
    }

    private static byte[] delete(Random random, byte[] valid) {
        int at = random.nextInt(valid.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(valid, 0, at);
        out.write(valid, at + 1, valid.length - at - 1);
        return out.toByteArray();
    }
}
