package dev.portcullis.proxy.auth.upstream;

import dev.portcullis.pgwire.SqlState;

/**
 * The upstream could not be reached or refused the login; the message is fit for the client. When
 * the upstream itself refused, its SQLSTATE (57P03 starting up, 53300 too many connections, 28P01
 * the Secret's password is wrong) is kept, so that the client can tell a retry from a fault.
 */
public final class UpstreamLoginException extends RuntimeException {
    private final SqlState sqlState;

    public UpstreamLoginException(String message) {
        this(message, null);
    }

    public UpstreamLoginException(String message, SqlState sqlState) {
        super(message, null, false, false);
        this.sqlState = sqlState;
    }

    /** The upstream's own SQLSTATE, or null when the proxy gave up (unreachable, TLS, a method refused). */
    public SqlState sqlState() {
        return sqlState;
    }
}
