package dev.portcullis.proxy.audit;

import dev.portcullis.pgwire.frame.Frame;
import dev.portcullis.pgwire.frame.FrameChunk;
import dev.portcullis.pgwire.frame.FrameEvent;
import dev.portcullis.pgwire.frame.FrameHeader;
import dev.portcullis.proxy.session.ClientConnection;

/**
 * Turns the client's frames into events, on the connection's event loop. Whole frames are
 * decoded; a streamed message keeps only its first bytes (up to the query cap) for the event.
 */
public final class AuditTap {
    private final ClientConnection connection;
    private final AuditSink sink;
    private final FrontendAudit audit;
    private final int maxPrefix;
    private byte streamingTag;
    private int streamingLength;
    private byte[] prefix;
    private int prefixFill;

    public AuditTap(ClientConnection connection, AuditSink sink, int maxQueryBytes, boolean redactLiterals) {
        this.connection = connection;
        this.sink = sink;
        this.audit = new FrontendAudit(maxQueryBytes, redactLiterals);
        this.maxPrefix = maxQueryBytes;
    }

    /** A message decided by per-message authorization: its event carries that decision. */
    public void decided(Frame frame, boolean authorized, dev.portcullis.api.v1.Reason reason) {
        if (!sink.enabled()) {
            return;
        }
        audit.describe(frame).ifPresent(info -> sink.publish(AccessLogs.event(connection, info, authorized, reason)));
    }

    public void on(FrameEvent event) {
        if (!sink.enabled()) {
            return;
        }
        if (event instanceof Frame f) {
            audit.describe(f).ifPresent(info -> sink.publish(AccessLogs.event(connection, info)));
        } else if (event instanceof FrameHeader h) {
            streamingTag = h.tag();
            streamingLength = h.bodyLength();
            prefix = FrontendAudit.typeOf(h.tag()) == null ? null : new byte[Math.min(maxPrefix, h.bodyLength())];
            prefixFill = 0;
        } else if (event instanceof FrameChunk c) {
            if (prefix != null && prefixFill < prefix.length) {
                int n = Math.min(prefix.length - prefixFill, c.content().readableBytes());
                c.content().getBytes(c.content().readerIndex(), prefix, prefixFill, n);
                prefixFill += n;
            }
            if (c.isLast() && prefix != null) {
                byte[] got = prefixFill == prefix.length ? prefix : java.util.Arrays.copyOf(prefix, prefixFill);
                audit.describeStreamed(streamingTag, streamingLength, got)
                        .ifPresent(info -> sink.publish(AccessLogs.event(connection, info)));
                prefix = null;
            }
        }
    }
}
