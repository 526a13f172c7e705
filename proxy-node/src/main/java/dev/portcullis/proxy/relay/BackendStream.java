package dev.portcullis.proxy.relay;

import dev.portcullis.pgwire.message.backend.ErrorResponse;
import dev.portcullis.pgwire.protocol.BackendTag;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.util.Locale;

/**
 * The one reader of the server-to-client stream. It follows message boundaries without decoding
 * or copying — only the 5-byte headers are read, bodies are skipped by count, and a buffer goes to
 * the client as it came — and tells, per message:
 *
 * <ul>
 *   <li>{@link ServerProgress} what the server answered (whether a statement runs);
 *   <li>the proxy whether it is between messages, where a message of its own (a FATAL before closing)
 *       cannot corrupt the stream;
 *   <li>for a denial (per-message authorization), the upstream's ErrorResponse to the stand-in,
 *       which alone is held whole and swapped for the proxy's 42501.
 * </ul>
 */
final class BackendStream {
    /** An ErrorResponse to a stand-in is a short syntax error; one longer than this cannot be it. */
    private static final int MAX_HELD_ERROR = 64 * 1024;

    /** The statement sent upstream in place of a denied one: it cannot parse, and names a nonce. */
    static String sentinel(String nonce) {
        return "portcullis_denied_" + nonce;
    }

    private final ServerProgress progress;
    private final RelayCounters counters;
    private final byte[] header = new byte[5];
    private int headerFill;
    private long remaining;
    private byte lastTag;
    /** The denial an ErrorResponse under way may answer, and that ErrorResponse's bytes so far. */
    private ServerProgress.Denial denial;

    private ByteBuf held;

    BackendStream(ServerProgress progress, RelayCounters counters) {
        this.progress = progress;
        this.counters = counters;
    }

    /** Sends {@code buf} on to the client (written, not flushed), following it. Takes ownership. */
    void forward(ByteBuf buf, Channel client) {
        int from = buf.readerIndex(); // the first byte not yet written to the client
        int end = buf.writerIndex();
        int messages = 0;
        boolean cut = held != null; // part of buf is held back: the rest goes as slices
        for (int i = buf.readerIndex(); i < end; ) {
            if (remaining > 0) {
                int skip = (int) Math.min(remaining, end - i);
                if (held != null) {
                    held.writeBytes(buf, i, skip);
                    from = i + skip;
                }
                i += skip;
                remaining -= skip;
                if (remaining == 0 && held != null) {
                    settleHeld(client);
                }
                continue;
            }
            byte b = buf.getByte(i);
            if (headerFill == 0) {
                messages++;
                if (beginMessage(b, client)) {
                    cut = true; // what came before it goes now; it is held from its first byte
                    if (i > from) {
                        client.write(buf.retainedSlice(from, i - from), client.voidPromise());
                    }
                }
            }
            header[headerFill++] = b;
            if (held != null) {
                held.writeByte(b);
                from = i + 1;
            }
            i++;
            if (headerFill == header.length) {
                headerComplete(client);
            }
        }
        counters.toClient(buf.readableBytes(), messages);
        if (!cut) {
            client.write(buf, client.voidPromise());
            return;
        }
        if (from < end && held == null) {
            client.write(buf.retainedSlice(from, end - from), client.voidPromise());
        }
        buf.release();
    }

    /** A message begins with {@code tag}: @return whether it is held (the ErrorResponse that answers a stand-in). */
    private boolean beginMessage(byte tag, Channel client) {
        lastTag = tag;
        counters.toClientMessage(tag);
        if (tag == BackendTag.ERROR_RESPONSE) {
            denial = progress.denialForError(); // asked before the error retires what it answers
            if (denial != null) {
                held = client.alloc().buffer(256);
            }
        }
        progress.received(tag);
        return held != null;
    }

    private void headerComplete(Channel client) {
        headerFill = 0;
        remaining = Math.max(0, length(header) - 4L);
        if (held != null && remaining > MAX_HELD_ERROR) {
            dropDenial(); // not the stand-in's error: it goes on as it is
            client.write(held, client.voidPromise());
            held = null;
        } else if (held != null && remaining == 0) {
            settleHeld(client);
        }
    }

    /** The held ErrorResponse is whole: the proxy's error if it names the stand-in's nonce, else its own bytes. */
    private void settleHeld(Channel client) {
        ByteBuf error = held;
        held = null;
        if (namesNonce(error, denial.nonce())) {
            error.release();
            client.write(denial.error(), client.voidPromise());
            denial = null;
        } else {
            dropDenial(); // an error of another cause (an aborted transaction's 25P02): PostgreSQL's word stands
            client.write(error, client.voidPromise());
        }
    }

    private void dropDenial() {
        denial.error().release();
        denial = null;
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
        long total = missing + Math.max(0, length(h) - 4L);
        return total <= readable ? (int) total : -1;
    }

    void release() {
        if (held != null) {
            held.release();
            held = null;
        }
        if (denial != null) {
            dropDenial();
        }
        progress.release();
    }

    private static long length(byte[] h) {
        return ((h[1] & 0xFFL) << 24) | ((h[2] & 0xFF) << 16) | ((h[3] & 0xFF) << 8) | (h[4] & 0xFF);
    }

    private static boolean namesNonce(ByteBuf error, String nonce) {
        try {
            String message = ErrorResponse.decode(error.slice(5, error.readableBytes() - 5))
                    .fields()
                    .message();
            return message != null && message.toLowerCase(Locale.ROOT).contains(nonce.toLowerCase(Locale.ROOT));
        } catch (RuntimeException e) {
            return false;
        }
    }
}
