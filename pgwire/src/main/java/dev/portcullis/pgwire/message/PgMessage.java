package dev.portcullis.pgwire.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * A decoded protocol message: a small immutable value that can write itself back in wire format.
 * Records carrying secrets show {@code <not shown>} in {@code toString()}, so logging a message is
 * always safe.
 */
public interface PgMessage {

    /** Placeholder printed instead of a secret. */
    String NOT_SHOWN = "<not shown>";

    /** Appends the whole message (type byte, length, body) to {@code out}. */
    void encode(ByteBuf out);

    /** The whole message in a new buffer from {@code allocator}; the caller releases it. */
    default ByteBuf encode(ByteBufAllocator allocator) {
        ByteBuf out = allocator.buffer();
        try {
            encode(out);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }
}
