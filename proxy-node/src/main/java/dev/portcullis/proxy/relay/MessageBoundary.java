package dev.portcullis.proxy.relay;

import dev.portcullis.pgwire.protocol.BackendTag;
import io.netty.buffer.ByteBuf;

/**
 * Follows message boundaries in the server-to-client byte stream without decoding or copying:
 * only the 5-byte headers are read, bodies are skipped by count. It tells whether the proxy may
 * add a message of its own (an ErrorResponse before closing) without corrupting the stream, and
 * counts ReadyForQuery messages (whether a query is running).
 */
final class MessageBoundary {
    private final byte[] header = new byte[5];
    private int headerFill;
    private long remaining;
    private boolean lastWasReadyForQuery = true;
    private byte lastTag;
    private long readyCount;

    /** @return how many messages began in this buffer; each one's tag goes to {@code onMessage} */
    int consume(ByteBuf buf, java.util.function.IntConsumer onMessage) {
        int started = 0;
        int i = buf.readerIndex();
        int end = buf.writerIndex();
        while (i < end) {
            if (remaining > 0) {
                int skip = (int) Math.min(remaining, end - i);
                i += skip;
                remaining -= skip;
                continue;
            }
            header[headerFill++] = buf.getByte(i++);
            if (headerFill == header.length) {
                int length = ((header[1] & 0xFF) << 24) | ((header[2] & 0xFF) << 16) | ((header[3] & 0xFF) << 8)
                        | (header[4] & 0xFF);
                remaining = Math.max(0, length - 4L);
                lastTag = header[0];
                lastWasReadyForQuery = header[0] == BackendTag.READY_FOR_QUERY;
                if (lastWasReadyForQuery) {
                    readyCount++;
                }
                headerFill = 0;
                started++;
                onMessage.accept(header[0]);
            }
        }
        return started;
    }

    boolean atBoundary() {
        return remaining == 0 && headerFill == 0;
    }

    /** The tag of the last message begun (0 before any). */
    byte lastTag() {
        return lastTag;
    }

    /**
     * How many bytes of {@code buf}, from its reader index, finish the message under way (0 at a
     * boundary), or -1 when {@code buf} ends before it does. Reads nothing.
     */
    int bytesToBoundary(ByteBuf buf) {
        int readable = buf.readableBytes();
        if (headerFill == 0) {
            return remaining <= readable ? (int) remaining : -1;
        }
        int missing = header.length - headerFill;
        if (readable < missing) {
            return -1;
        }
        byte[] h = header.clone();
        for (int k = 0; k < missing; k++) {
            h[headerFill + k] = buf.getByte(buf.readerIndex() + k);
        }
        long length = ((h[1] & 0xFFL) << 24) | ((h[2] & 0xFF) << 16) | ((h[3] & 0xFF) << 8) | (h[4] & 0xFF);
        long total = missing + Math.max(0, length - 4L);
        return total <= readable ? (int) total : -1;
    }

    boolean lastWasReadyForQuery() {
        return lastWasReadyForQuery;
    }

    /** ReadyForQuery messages seen: one per Query, Sync or FunctionCall the client sent. */
    long readyCount() {
        return readyCount;
    }
}
