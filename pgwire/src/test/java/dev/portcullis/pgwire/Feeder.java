package dev.portcullis.pgwire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Feeds bytes to a decoder the way Netty's {@code ByteToMessageDecoder} does: pieces arrive in
 * separate buffers, are merged into one cumulation (copied into a new one when it is full, as
 * MERGE_CUMULATOR does), the decoder is called until it returns {@code null}, and read bytes are
 * discarded only while no slice of the cumulation is alive.
 *
 * <p>Every buffer it allocates is remembered so that a test can prove nothing leaked.
 */
public final class Feeder {

    /** The allocators every decoder test runs with: derived slices behave differently in each. */
    public static final List<ByteBufAllocator> ALLOCATORS =
            List.of(new UnpooledByteBufAllocator(false), new PooledByteBufAllocator(true));

    private final ByteBufAllocator allocator;
    private final List<ByteBuf> allocated = new ArrayList<>();

    public Feeder(ByteBufAllocator allocator) {
        this.allocator = allocator;
    }

    /** Result of a feed: what the decoder yielded and the bytes it left unconsumed. */
    public record Fed<T>(List<T> outputs, byte[] leftover) {}

    /** Feeds {@code pieces} in order; {@code step} is the decoder's {@code next(ByteBuf)}. */
    public <T> Fed<T> feed(List<byte[]> pieces, Function<ByteBuf, T> step) {
        List<T> outputs = new ArrayList<>();
        ByteBuf cumulation = null;
        try {
            for (byte[] piece : pieces) {
                ByteBuf in = track(allocator.buffer(piece.length).writeBytes(piece));
                if (cumulation == null) {
                    cumulation = in;
                } else if (cumulation.maxFastWritableBytes() < piece.length) {
                    ByteBuf merged = track(allocator.buffer(cumulation.readableBytes() + piece.length));
                    merged.writeBytes(cumulation).writeBytes(in);
                    cumulation.release();
                    in.release();
                    cumulation = merged;
                } else {
                    // writing past the writer index never touches bytes a live slice covers
                    cumulation.writeBytes(in);
                    in.release();
                }
                for (T output = step.apply(cumulation); output != null; output = step.apply(cumulation)) {
                    outputs.add(output);
                }
                if (!cumulation.isReadable()) {
                    cumulation.release();
                    cumulation = null;
                } else if (cumulation.refCnt() == 1) {
                    cumulation.discardSomeReadBytes();
                }
            }
            byte[] leftover = new byte[cumulation == null ? 0 : cumulation.readableBytes()];
            if (cumulation != null) {
                cumulation.readBytes(leftover);
            }
            return new Fed<>(outputs, leftover);
        } finally {
            if (cumulation != null) {
                cumulation.release();
            }
        }
    }

    private ByteBuf track(ByteBuf buffer) {
        allocated.add(buffer);
        return buffer;
    }

    /** Fails if any buffer this feeder allocated is still referenced. */
    public void assertAllReleased() {
        for (ByteBuf buffer : allocated) {
            assertEquals(0, buffer.refCnt(), "a buffer leaked");
        }
    }

    // ---------------------------------------------------------------- ways to cut a byte stream

    /** The whole stream in one piece. */
    public static List<byte[]> whole(byte[] data) {
        return List.of(data);
    }

    /** The stream cut in two at {@code offset}. */
    public static List<byte[]> splitAt(byte[] data, int offset) {
        return List.of(Arrays.copyOfRange(data, 0, offset), Arrays.copyOfRange(data, offset, data.length));
    }

    /** One piece per byte. */
    public static List<byte[]> byteByByte(byte[] data) {
        return chunks(data, 1);
    }

    /** Pieces of {@code size} bytes (the last one shorter). */
    public static List<byte[]> chunks(byte[] data, int size) {
        List<byte[]> pieces = new ArrayList<>();
        for (int i = 0; i < data.length; i += size) {
            pieces.add(Arrays.copyOfRange(data, i, Math.min(data.length, i + size)));
        }
        return pieces;
    }

    /** Every way of delivering {@code data}: whole, cut at each offset, and byte by byte. */
    public static List<List<byte[]>> everyCut(byte[] data) {
        List<List<byte[]>> cuts = new ArrayList<>();
        cuts.add(whole(data));
        for (int offset = 1; offset < data.length; offset++) {
            cuts.add(splitAt(data, offset));
        }
        cuts.add(byteByByte(data));
        return cuts;
    }
}
