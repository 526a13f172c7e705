package dev.portcullis.proxy.relay;

import dev.portcullis.api.v1.AuthorizeResponse;
import dev.portcullis.pgwire.SqlState;
import dev.portcullis.pgwire.frame.Frame;
import dev.portcullis.pgwire.frame.FrameEvent;
import dev.portcullis.pgwire.message.backend.ErrorResponse;
import dev.portcullis.pgwire.message.frontend.Parse;
import dev.portcullis.pgwire.message.frontend.Query;
import dev.portcullis.proxy.audit.AuditTap;
import dev.portcullis.proxy.policy.MessageAuthorizer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;

/**
 * Holds a session's frames in order while one of them waits for its decision (per-message
 * authorization). An allowed message goes on as sent; a denied one goes on as a stand-in that
 * the upstream fails (see {@link DenialRewriter}), so the session stays usable exactly as after
 * any PostgreSQL error. Frames that arrive meanwhile wait here, and the client is not read.
 */
final class MessageGate {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MessageAuthorizer authorizer;
    private final UpstreamToClient toClient;
    private final AuditTap tap;
    private final ArrayDeque<FrameEvent> held = new ArrayDeque<>();
    private boolean deciding;

    MessageGate(MessageAuthorizer authorizer, UpstreamToClient toClient, AuditTap tap) {
        this.authorizer = authorizer;
        this.toClient = toClient;
        this.tap = tap;
    }

    boolean deciding() {
        return deciding;
    }

    void hold(FrameEvent e) {
        held.add(e);
    }

    FrameEvent nextHeld() {
        return deciding ? null : held.poll();
    }

    /**
     * Asks for a decision on {@code frame}; {@code then} runs on the event loop {@code loop} with
     * the bytes to forward (the frame's own, or its stand-in).
     */
    void decide(Frame frame, long readyOrdinal, io.netty.channel.EventLoop loop, ByteBufAllocator alloc,
            Consumer<ByteBuf> then) {
        deciding = true;
        authorizer.check(frame).subscribe().with(decision -> loop.execute(() -> {
            deciding = false;
            then.accept(apply(frame, decision, readyOrdinal, alloc));
        }));
    }

    private ByteBuf apply(Frame frame, AuthorizeResponse decision, long readyOrdinal, ByteBufAllocator alloc) {
        tap.decided(frame, decision.getAuthorized(), decision.getReason());
        if (decision.getAuthorized()) {
            return frame.content();
        }
        String nonce = HexFormat.of().formatHex(RANDOM.generateSeed(8));
        String standIn = DenialRewriter.sentinel(nonce);
        ByteBuf replacement = frame.tag() == 'P'
                ? new Parse(Parse.decode(frame.body()).statement(), standIn, List.of()).encode(alloc)
                : new Query(standIn).encode(alloc);
        long ordinal = frame.tag() == 'P' ? readyOrdinal + 1 : readyOrdinal;
        toClient.expectDenial(nonce, ordinal, ErrorResponse.error(SqlState.INSUFFICIENT_PRIVILEGE,
                "permission denied by Portcullis: " + decision.getReason().getMessage(),
                "the Service authorizes every statement; ask for a policy that allows this one").encode(alloc));
        frame.release();
        return replacement;
    }

    void release() {
        held.forEach(FrameEvent::release);
        held.clear();
    }
}
