package dev.portcullis.proxy.session;

import dev.portcullis.pgwire.SqlState;
import dev.portcullis.proxy.audit.SessionEvents;
import dev.portcullis.proxy.net.Fatal;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

/**
 * The one way a connection is refused before it relays: logged with its connection (and session)
 * id, counted, audited when the refusal says so, then a FATAL ErrorResponse and close. Before the
 * relay the proxy writes whole messages only, so the FATAL is always at a message boundary. A
 * connection is refused once; later refusals of it are ignored.
 */
final class Refusals {
    private static final Logger LOG = Logger.getLogger(Refusals.class);

    private Refusals() {}

    static void refuse(ConnectionContext context, ClientConnection connection, Refusal refusal) {
        if (connection.state() == SessionState.CLOSING) {
            return;
        }
        connection.state(SessionState.CLOSING);
        count(context.metrics(), refusal.state(), refusal.reason());
        if (refusal.isAudited()) {
            // after the token was read: who was refused, and why, is for the security team to see
            LOG.infof(
                    "refused %s: %s %s", connection.describe(), refusal.state().code(), refusal.message());
            context.audit()
                    .publish(SessionEvents.refused(
                            connection,
                            Refusal.DECISION_REASON.equals(refusal.auditType()) ? null : refusal.auditType(),
                            refusal.auditMessage()));
        } else {
            LOG.debugf(
                    "refused %s: %s %s", connection.describe(), refusal.state().code(), refusal.message());
        }
        Fatal.send(connection.client(), refusal.state(), refusal.message(), refusal.hint());
    }

    /**
     * Counts a refused session on {@code portcullis.proxy.sessions.refused}, tagged with its SQLSTATE
     * and why ({@code reason}: a fixed word such as not_authorized, connection_limit, audit_spool_full).
     */
    static void count(MeterRegistry metrics, SqlState state, String reason) {
        metrics.counter("portcullis.proxy.sessions.refused", "sqlstate", state.code(), "reason", reason)
                .increment();
    }
}
