package dev.portcullis.proxy.audit;

import dev.portcullis.api.v1.AccessLog;
import dev.portcullis.api.v1.PostgresInfo;
import dev.portcullis.api.v1.PostgresSessionStart;
import dev.portcullis.api.v1.Reason;
import dev.portcullis.proxy.session.ClientConnection;
import java.net.InetSocketAddress;

/** SESSION_START events: of a session that began, and of a connection that was refused. */
public final class SessionEvents {
    private SessionEvents() {
    }

    public static AccessLog started(ClientConnection c) {
        return AccessLogs.event(c, info(c));
    }

    /** A refused connection: isAuthorized false, with why. */
    public static AccessLog refused(ClientConnection c, String reasonType, String message) {
        Reason base = c.authorization() != null && c.authorization().hasReason() ? c.authorization().getReason()
                : Reason.getDefaultInstance();
        Reason reason = base.toBuilder().setType(reasonType == null ? base.getType() : reasonType).setMessage(message).build();
        return AccessLogs.event(c, info(c), false, reason);
    }

    private static PostgresInfo info(ClientConnection c) {
        PostgresSessionStart.Builder s = PostgresSessionStart.newBuilder().setClientTls(c.tls());
        if (c.clientAddress() instanceof InetSocketAddress a) {
            s.setClientAddress(a.getAddress().getHostAddress() + ":" + a.getPort());
        }
        if (c.startup() != null) {
            s.setRequestedUser(nz(c.startup().user())).setRequestedDatabase(nz(c.startup().databaseOrUser()))
                    .setApplicationName(nz(c.startup().applicationName()));
        }
        if (c.target() != null) {
            s.setUser(c.target().user()).setDatabase(c.target().database()).setConfigName(c.target().configName())
                    .setUpstream(c.target().host() + ":" + c.target().port());
        }
        if (c.upstream() != null) {
            s.setUpstreamTls(c.upstream().tls());
        }
        return PostgresInfo.newBuilder().setType("SESSION_START").setSessionStart(s).build();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
