package dev.portcullis.pgwire;

/**
 * A peer broke the PostgreSQL v3 protocol: a malformed length, a string without its NUL
 * terminator, an unknown message type, trailing bytes...
 *
 * <p>Unchecked on purpose: decoders run inside event-loop handlers that turn any exception into a
 * closed connection, and the proxy only has to catch this one type to answer with a proper
 * {@code ErrorResponse} carrying {@link #sqlState()} (08P01 unless a more precise code applies).
 * Messages never contain message contents, so they are safe to log and to send to the peer.
 */
public class ProtocolException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient SqlState sqlState;

    public ProtocolException(String message) {
        this(SqlState.PROTOCOL_VIOLATION, message);
    }

    public ProtocolException(SqlState sqlState, String message) {
        super(message);
        this.sqlState = sqlState;
    }

    /** The SQLSTATE to report to the peer that sent the offending bytes. */
    public SqlState sqlState() {
        return sqlState;
    }
}
