package dev.portcullis.proxy.relay;

import dev.portcullis.pgwire.protocol.BackendTag;
import dev.portcullis.pgwire.frame.Frame;
import dev.portcullis.pgwire.frame.FrameDecoder;
import dev.portcullis.pgwire.frame.FrameEvent;
import dev.portcullis.pgwire.frame.FrameLimits;
import dev.portcullis.pgwire.message.backend.ErrorResponse;
import dev.portcullis.pgwire.protocol.Direction;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.util.ArrayDeque;
import java.util.Locale;

/**
 * Turns the upstream's answer to a denied message into the client's 42501. A denied message is
 * replaced by a statement that cannot parse and names a nonce, so that the upstream itself
 * fails it and does what PostgreSQL does after any error — discards the rest of the extended
 * batch until Sync, aborts an open transaction, reports the right status in ReadyForQuery.
 * Here, the ErrorResponse that names the nonce is swapped for the proxy's own. Sessions under
 * per-message authorization have every upstream message split (pgwire's frame decoder, slices).
 */
final class DenialRewriter {
    private record Denial(String nonce, long readyOrdinal, ByteBuf error) {
    }

    private final ArrayDeque<Denial> pending = new ArrayDeque<>();
    private final FrameDecoder splitter = new FrameDecoder(Direction.BACKEND, new FrameLimits(1 << 30, 64 * 1024));
    private ByteBuf leftover;
    private long readySeen;

    /** The statement sent upstream in place of a denied one. */
    static String sentinel(String nonce) {
        return "portcullis_denied_" + nonce;
    }

    void expect(String nonce, long readyOrdinal, ByteBuf error) {
        pending.add(new Denial(nonce.toLowerCase(Locale.ROOT), readyOrdinal, error));
    }

    /** Forwards {@code buf} to the client message by message, swapping denial errors. Takes ownership. */
    void forward(ByteBuf buf, Channel client) {
        ByteBuf in = leftover == null ? buf : Unpooled.wrappedBuffer(leftover, buf);
        leftover = null;
        try {
            FrameEvent e;
            while ((e = splitter.next(in)) != null) {
                if (e instanceof Frame f && f.tag() == BackendTag.ERROR_RESPONSE && !pending.isEmpty() && namesNonce(f, pending.peek().nonce())) {
                    f.release();
                    client.write(pending.poll().error(), client.voidPromise());
                    continue;
                }
                if (e instanceof Frame f && f.tag() == BackendTag.READY_FOR_QUERY) {
                    readySeen++;
                    // the upstream was already failing that batch and skipped the stand-in: no error to swap
                    while (!pending.isEmpty() && pending.peek().readyOrdinal() <= readySeen) {
                        pending.poll().error().release();
                    }
                }
                client.write(e.content(), client.voidPromise());
            }
            if (in.isReadable()) {
                leftover = client.alloc().buffer(in.readableBytes()).writeBytes(in);
            }
        } finally {
            in.release();
        }
    }

    void release() {
        pending.forEach(d -> d.error().release());
        pending.clear();
        if (leftover != null) {
            leftover.release();
            leftover = null;
        }
    }

    private static boolean namesNonce(Frame f, String nonce) {
        try {
            String message = ErrorResponse.decode(f.body()).fields().message();
            return message != null && message.toLowerCase(Locale.ROOT).contains(nonce);
        } catch (RuntimeException e) {
            return false;
        }
    }
}
