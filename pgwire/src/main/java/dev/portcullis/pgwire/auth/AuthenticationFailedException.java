package dev.portcullis.pgwire.auth;

import dev.portcullis.pgwire.SqlState;

/**
 * Logging in to the upstream server cannot or must not go on: a method the options forbid, a
 * channel binding that cannot be honoured, a server demanding too much PBKDF2 work, a server that
 * failed to prove it knows the password.
 *
 * <p>The message names the cause and never contains a password or SASL data; {@link #sqlState()}
 * is the code closest to the cause. A proxy will usually present any of these to its own client
 * as 08001 (could not establish the upstream connection) and log the message for the operator.
 */
public final class AuthenticationFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient SqlState sqlState;
    private final AuthMethod refusedMethod;

    public AuthenticationFailedException(SqlState sqlState, String message) {
        this(sqlState, message, (AuthMethod) null);
    }

    public AuthenticationFailedException(SqlState sqlState, String message, Throwable cause) {
        super(message, cause);
        this.sqlState = sqlState;
        this.refusedMethod = null;
    }

    /** The server asked for {@code refusedMethod}, which the options do not allow. */
    AuthenticationFailedException(SqlState sqlState, String message, AuthMethod refusedMethod) {
        super(message);
        this.sqlState = sqlState;
        this.refusedMethod = refusedMethod;
    }

    /**
     * The method the server asked for when the options do not allow it (a caller can say why its
     * options rule it out), else {@code null}.
     */
    public AuthMethod refusedMethod() {
        return refusedMethod;
    }

    public SqlState sqlState() {
        return sqlState;
    }
}
