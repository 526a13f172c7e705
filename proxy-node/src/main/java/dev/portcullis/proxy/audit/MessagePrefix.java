package dev.portcullis.proxy.audit;

import dev.portcullis.pgwire.frame.FrameChunk;
import dev.portcullis.pgwire.frame.FrameHeader;
import java.util.Arrays;

/**
 * The first bytes of a message too large to hold whole, gathered from its chunks as they pass:
 * what the audit trail shows of a streamed or refused statement.
 */
public final class MessagePrefix {
    private final byte tag;
    private final int bodyLength;
    private final byte[] prefix;
    private int fill;

    /** @param max how many of the body's first bytes to keep */
    public MessagePrefix(FrameHeader header, int max) {
        this.tag = header.tag();
        this.bodyLength = header.bodyLength();
        this.prefix = new byte[Math.max(0, Math.min(max, header.bodyLength()))];
    }

    /** Copies what it still wants of the chunk (the chunk stays the caller's); true at the message's last chunk. */
    public boolean add(FrameChunk chunk) {
        if (fill < prefix.length) {
            int n = Math.min(prefix.length - fill, chunk.content().readableBytes());
            chunk.content().getBytes(chunk.content().readerIndex(), prefix, fill, n);
            fill += n;
        }
        return chunk.isLast();
    }

    public byte tag() {
        return tag;
    }

    public int bodyLength() {
        return bodyLength;
    }

    /** The bytes gathered so far. */
    public byte[] bytes() {
        return fill == prefix.length ? prefix : Arrays.copyOf(prefix, fill);
    }

    /** The first NUL-terminated string of the body (a Parse's statement name), or "" if the prefix does not hold it whole. */
    public String firstString() {
        for (int i = 0; i < fill; i++) {
            if (prefix[i] == 0) {
                return new String(prefix, 0, i, java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return "";
    }
}
