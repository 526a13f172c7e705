package dev.portcullis.proxy.audit;

import dev.portcullis.api.v1.PostgresInfo;
import dev.portcullis.api.v1.PostgresSessionEnd;
import dev.portcullis.api.v1.PostgresSessionStart;
import dev.portcullis.api.v1.Reason;
import java.net.InetSocketAddress;

/** The events of a session itself: SESSION_START of one that began or was refused, SESSION_END. */
public final class SessionEvents {
    private SessionEvents() {}

    public static AuditEvent started(AuditedConnection c) {
        return AccessLogs.event(c, info(c));
    }

    /** A refused connection: isAuthorized false, with why. */
    public static AuditEvent refused(AuditedConnection c, String reasonType, String message) {
        Reason base = c.authorization() != null && c.authorization().hasReason()
                ? c.authorization().getReason()
                : Reason.getDefaultInstance();
        Reason reason = base.toBuilder()
                .setType(reasonType == null ? base.getType() : reasonType)
                .setMessage(message)
                .build();
        return AccessLogs.event(AccessLogs.prelude(c), info(c), false, reason);
    }

    /** SESSION_END: how long the session lasted, what passed each way, and why it ended. */
    public static AuditEvent ended(AuditedConnection c, Traffic traffic, String reason) {
        long millis = java.time.Duration.between(c.startedAt(), java.time.Instant.now())
                .toMillis();
        return AccessLogs.event(
                c,
                PostgresInfo.newBuilder()
                        .setType("SESSION_END")
                        .setSessionEnd(PostgresSessionEnd.newBuilder()
                                .setDurationMillis(millis)
                                .setBytesFromClient(traffic.bytesFromClient())
                                .setBytesToClient(traffic.bytesToClient())
                                .setMessagesFromClient(traffic.messagesFromClient())
                                .setMessagesToClient(traffic.messagesToClient())
                                .setReason(reason))
                        .build());
    }

    /** What a session relayed, each way. */
    public interface Traffic {
        long bytesFromClient();

        long bytesToClient();

        long messagesFromClient();

        long messagesToClient();
    }

    private static PostgresInfo info(AuditedConnection c) {
        PostgresSessionStart.Builder s = PostgresSessionStart.newBuilder().setClientTls(c.tls());
        if (c.clientAddress() instanceof InetSocketAddress a) {
            s.setClientAddress(a.getAddress().getHostAddress() + ":" + a.getPort());
        }
        if (c.startup() != null) {
            s.setRequestedUser(nz(c.startup().user()))
                    .setRequestedDatabase(nz(c.startup().databaseOrUser()))
                    .setApplicationName(nz(c.startup().applicationName()));
        }
        if (c.target() != null) {
            s.setUser(c.target().user())
                    .setDatabase(c.target().database())
                    .setConfigName(c.target().configName())
                    .setUpstream(c.target().host() + ":" + c.target().port());
        }
        if (c.upstream() != null) {
            s.setUpstreamTls(c.upstream().tls());
        }
        return PostgresInfo.newBuilder()
                .setType("SESSION_START")
                .setSessionStart(s)
                .build();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
