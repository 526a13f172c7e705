package dev.portcullis.proxy.audit;

import dev.portcullis.pgwire.ProtocolException;
import dev.portcullis.pgwire.frame.Frame;
import dev.portcullis.pgwire.frame.FrameChunk;
import dev.portcullis.pgwire.frame.FrameEvent;
import dev.portcullis.pgwire.frame.FrameHeader;
import dev.portcullis.pgwire.message.FrontendMessage;

/**
 * Turns the client's frames into events, on the connection's event loop. Whole frames are
 * decoded; a streamed message keeps only its first bytes (up to the query cap) for the event.
 */
public final class AuditTap {
    /** What every event of this relay says alike: the decision is made when the relay starts. */
    private final ConnectionPrelude prelude;
    /** The connect decision, which the relayed messages run under. */
    private final boolean authorized;

    private final AuditSink sink;
    private final FrontendAudit audit;
    private final int maxPrefix;
    /** The streamed message being gathered for its event, or null. */
    private MessagePrefix streaming;

    public AuditTap(AuditedConnection connection, AuditSink sink, int maxQueryBytes, boolean redactLiterals) {
        this.prelude = AccessLogs.prelude(connection);
        this.authorized =
                connection.authorization() != null && connection.authorization().getAuthorized();
        this.sink = sink;
        this.audit = new FrontendAudit(maxQueryBytes, redactLiterals);
        this.maxPrefix = maxQueryBytes;
    }

    /** A message decided by per-message authorization (decoded once, for policy and here): its event carries that decision. */
    public void decided(FrontendMessage message, boolean authorized, dev.portcullis.api.v1.Reason reason) {
        if (!sink.enabled()) {
            return;
        }
        audit.describe(message).ifPresent(info -> sink.publish(AccessLogs.event(prelude, info, authorized, reason)));
    }

    /** A message that does not decode, refused: its event shows its first bytes and why. */
    public void refusedMalformed(Frame frame, ProtocolException e, dev.portcullis.api.v1.Reason reason) {
        if (sink.enabled()) {
            sink.publish(AccessLogs.event(prelude, audit.malformed(frame, e), false, reason));
        }
    }

    /** A message refused unread, before any of it went upstream: its event shows its first bytes and why. */
    public void refused(MessagePrefix message, dev.portcullis.api.v1.Reason reason) {
        if (!sink.enabled()) {
            return;
        }
        audit.describeStreamed(message.tag(), message.bodyLength(), message.bytes())
                .ifPresent(info -> sink.publish(AccessLogs.event(prelude, info, false, reason)));
    }

    /** The first bytes an event keeps of a message too large to hold. */
    public int maxPrefix() {
        return maxPrefix;
    }

    public void on(FrameEvent event) {
        if (!sink.enabled()) {
            return;
        }
        if (event instanceof Frame f) {
            audit.describe(f).ifPresent(info -> sink.publish(AccessLogs.event(prelude, info, authorized, null)));
        } else if (event instanceof FrameHeader h) {
            streaming = FrontendAudit.typeOf(h.tag()) == null ? null : new MessagePrefix(h, maxPrefix);
        } else if (event instanceof FrameChunk c && streaming != null && streaming.add(c)) {
            audit.describeStreamed(streaming.tag(), streaming.bodyLength(), streaming.bytes())
                    .ifPresent(info -> sink.publish(AccessLogs.event(prelude, info, authorized, null)));
            streaming = null;
        }
    }
}
