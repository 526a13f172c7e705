package dev.portcullis.proxy.relay;

import dev.portcullis.api.v1.AuthorizeResponse;
import dev.portcullis.api.v1.Reason;
import dev.portcullis.pgwire.ProtocolException;
import dev.portcullis.pgwire.SqlState;
import dev.portcullis.pgwire.frame.Frame;
import dev.portcullis.pgwire.frame.FrameEvent;
import dev.portcullis.pgwire.message.FrontendMessage;
import dev.portcullis.pgwire.message.backend.ErrorResponse;
import dev.portcullis.pgwire.message.frontend.FrontendMessages;
import dev.portcullis.pgwire.message.frontend.Parse;
import dev.portcullis.pgwire.message.frontend.Query;
import dev.portcullis.pgwire.protocol.FrontendTag;
import dev.portcullis.proxy.audit.AuditTap;
import dev.portcullis.proxy.audit.MessagePrefix;
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
 * the upstream fails (see {@link BackendStream}), so the session stays usable exactly as after
 * any PostgreSQL error. Frames that arrive meanwhile wait here, and the client is not read.
 */
final class MessageGate {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MessageAuthorizer authorizer;
    private final ServerProgress progress;
    private final AuditTap tap;
    private final ArrayDeque<FrameEvent> held = new ArrayDeque<>();
    private boolean deciding;

    MessageGate(MessageAuthorizer authorizer, ServerProgress progress, AuditTap tap) {
        this.authorizer = authorizer;
        this.progress = progress;
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
    void decide(
            Frame frame, long seq, io.netty.channel.EventLoop loop, ByteBufAllocator alloc, Consumer<ByteBuf> then) {
        FrontendMessage message; // decoded once: for policy, the audit event and the stand-in
        try {
            message = FrontendMessages.decode(frame.tag(), frame.body());
        } catch (ProtocolException e) {
            then.accept(refuseMalformed(frame, e, seq, alloc));
            return;
        }
        deciding = true;
        authorizer
                .check(message)
                .subscribe()
                .with(decision -> loop.execute(() -> {
                    deciding = false;
                    then.accept(apply(frame, message, decision, seq, alloc));
                }));
    }

    private ByteBuf apply(
            Frame frame, FrontendMessage message, AuthorizeResponse decision, long seq, ByteBufAllocator alloc) {
        tap.decided(message, decision.getAuthorized(), decision.getReason());
        if (decision.getAuthorized()) {
            return frame.content();
        }
        String statement = message instanceof Parse p ? p.statement() : "";
        ByteBuf standIn = standIn(
                frame.tag(),
                statement,
                seq,
                SqlState.INSUFFICIENT_PRIVILEGE,
                "permission denied by Portcullis: " + decision.getReason().getMessage(),
                "the Service authorizes every statement; ask for a policy that allows this one",
                alloc);
        frame.release();
        return standIn;
    }

    /**
     * A statement that does not decode cannot be decided: it is refused as PostgreSQL refuses it
     * (08P01, the session goes on), and none of it goes upstream, where a different reading of its
     * bytes could run something that was never decided.
     */
    private ByteBuf refuseMalformed(Frame frame, ProtocolException e, long seq, ByteBufAllocator alloc) {
        tap.refusedMalformed(
                frame,
                e,
                Reason.newBuilder()
                        .setType("PROTOCOL_VIOLATION")
                        .setMessage(e.getMessage())
                        .build());
        byte tag = frame.tag();
        frame.release();
        return standIn(
                tag,
                "",
                seq,
                SqlState.PROTOCOL_VIOLATION,
                "invalid " + dev.portcullis.pgwire.protocol.Direction.FRONTEND.tagName(tag) + " message: "
                        + e.getMessage(),
                null,
                alloc);
    }

    /**
     * A statement too large to decide, refused unread: nothing of it went upstream, and the
     * stand-in that does go makes the upstream fail it in its place (54000 to the client).
     */
    ByteBuf refuseUnread(MessagePrefix message, int limit, long seq, ByteBufAllocator alloc) {
        String why = "a statement of " + message.bodyLength() + " bytes is over the " + limit
                + "-byte limit of statements that can be authorized";
        tap.refused(
                message,
                Reason.newBuilder()
                        .setType("STATEMENT_TOO_LARGE")
                        .setMessage(why)
                        .build());
        return standIn(
                message.tag(),
                message.tag() == FrontendTag.PARSE ? message.firstString() : "",
                seq,
                SqlState.PROGRAM_LIMIT_EXCEEDED,
                why + "; it was not run",
                "the Service authorizes every statement; send a smaller one (the proxy node's"
                        + " portcullis.limits.authorized-statement-bytes)",
                alloc);
    }

    /**
     * What goes upstream in place of a refused message: a statement that cannot parse and names
     * a nonce, whose error {@link BackendStream} swaps for {@code state}/{@code message}.
     * {@code seq} is the refused message's place in what the server answers ({@link ServerProgress}):
     * the error to swap is the one that answers it.
     */
    private ByteBuf standIn(
            byte tag, String statement, long seq, SqlState state, String message, String hint, ByteBufAllocator alloc) {
        byte[] random = new byte[8];
        RANDOM.nextBytes(random); // not generateSeed: that may block on the entropy pool, on an event loop
        String nonce = HexFormat.of().formatHex(random);
        String sql = BackendStream.sentinel(nonce);
        ByteBuf replacement = tag == FrontendTag.PARSE
                ? new Parse(statement, sql, List.of()).encode(alloc)
                : new Query(sql).encode(alloc);
        ByteBuf error = ErrorResponse.error(state, message, hint).encode(alloc);
        if (seq < 0) {
            error.release(); // the server skips it (an earlier error in its batch): it answers nothing to swap
        } else {
            progress.expectDenial(seq, nonce, error);
        }
        return replacement;
    }

    void release() {
        held.forEach(FrameEvent::release);
        held.clear();
    }
}
