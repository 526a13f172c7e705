package dev.portcullis.proxy.audit;

import dev.portcullis.api.v1.AccessLog;
import dev.portcullis.api.v1.PostgresInfo;
import dev.portcullis.api.v1.Reason;
import java.time.Instant;

/**
 * One access-log event as an event loop hands it to the publisher: what is the connection's
 * (its {@link ConnectionPrelude}, shared by all its events) and what is this message's own. It is
 * encoded on the publisher thread, once ({@link EncodedEvent}).
 *
 * @param createdAt when the proxy saw the message (metadata.createdAt)
 * @param endedAt when its answer passed, or the event was made (entry.common.endedAt)
 * @param reason this event's own reason (a per-message decision), or null for the connection's
 */
public record AuditEvent(
        ConnectionPrelude connection,
        Instant createdAt,
        Instant endedAt,
        boolean authorized,
        Reason reason,
        PostgresInfo info) {

    /** The event as the AccessLog message it encodes, under a new id (for tests and the JSON form). */
    public AccessLog accessLog() {
        return connection.accessLog(this, AccessLogs.eventId());
    }

    public String type() {
        return info.getType();
    }
}
