package dev.portcullis.proxy.session;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a client connection is, from accept to close, and what the client may send in each state.
 * Every change goes through {@link #next}, which refuses a transition not listed here: the one
 * place that says how a session moves.
 *
 * <pre>
 *   AWAIT_STARTUP  SSLRequest, GSSENCRequest (declined), CancelRequest, StartupMessage
 *   TLS            nothing: the handshake runs (after 'S', or direct TLS)
 *   AWAIT_TOKEN    PasswordMessage (the access token)
 *   AUTHORIZING    nothing: policy-service decides
 *   CONNECTING     nothing: TCP (and TLS) to the upstream
 *   UPSTREAM_AUTH  nothing: the login with the Secret's password
 *   READY          any frontend message: relayed
 *   CLOSING        nothing: a FATAL is on its way, or the connection is gone
 * </pre>
 */
public enum SessionState {
    AWAIT_STARTUP,
    TLS,
    AWAIT_TOKEN,
    AUTHORIZING,
    CONNECTING,
    UPSTREAM_AUTH,
    READY,
    CLOSING;

    private Set<SessionState> successors() {
        return switch (this) {
            // a GSSENCRequest declined, or a second startup packet after it, stays in AWAIT_STARTUP
            case AWAIT_STARTUP -> EnumSet.of(AWAIT_STARTUP, TLS, AWAIT_TOKEN, CLOSING);
            case TLS -> EnumSet.of(AWAIT_STARTUP, CLOSING);
            case AWAIT_TOKEN -> EnumSet.of(AUTHORIZING, CLOSING);
            case AUTHORIZING -> EnumSet.of(CONNECTING, CLOSING);
            case CONNECTING -> EnumSet.of(UPSTREAM_AUTH, CLOSING);
            case UPSTREAM_AUTH -> EnumSet.of(READY, CLOSING);
            case READY -> EnumSet.of(CLOSING);
            case CLOSING -> EnumSet.of(CLOSING);
        };
    }

    /** The state after this one; a transition the table does not list is a bug, never taken. */
    SessionState next(SessionState to) {
        if (!successors().contains(to)) {
            throw new IllegalStateException("a session cannot go from " + this + " to " + to);
        }
        return to;
    }

    /** Whether the client may send bytes now (else they are a protocol violation, or dropped while closing). */
    boolean readsClient() {
        return this == AWAIT_STARTUP || this == AWAIT_TOKEN || this == READY;
    }
}
