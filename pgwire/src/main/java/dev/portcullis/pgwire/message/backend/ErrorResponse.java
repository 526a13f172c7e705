package dev.portcullis.pgwire.message.backend;

import dev.portcullis.pgwire.SqlState;
import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.BackendMessage;
import dev.portcullis.pgwire.protocol.BackendTag;
import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * ErrorResponse ({@code 'E'}). With severity FATAL the server closes the connection after it;
 * with ERROR the current command fails and, in the extended protocol, everything up to the next
 * Sync is skipped.
 *
 * <p>Every failure Portcullis shows a client goes through {@link #fatal} or {@link #error}, so it
 * reaches psql as a proper error with an SQLSTATE, never as a bare socket close.
 */
public record ErrorResponse(ErrorFields fields) implements BackendMessage {

    public ErrorResponse {
        Objects.requireNonNull(fields, "fields");
    }

    /**
     * A FATAL error: the connection ends after it.
     *
     * @param message what happened, as one sentence a user can act on
     * @param hint what to do about it, or {@code null}
     */
    public static ErrorResponse fatal(SqlState sqlState, String message, String hint) {
        return of(Severity.FATAL, sqlState, message, null, hint);
    }

    /** An ERROR: the current command fails, the session goes on. See {@link #fatal}. */
    public static ErrorResponse error(SqlState sqlState, String message, String hint) {
        return of(Severity.ERROR, sqlState, message, null, hint);
    }

    /** Any severity, with optional (nullable) detail and hint. */
    public static ErrorResponse of(Severity severity, SqlState sqlState, String message, String detail, String hint) {
        return new ErrorResponse(ErrorFields.builder()
                .severity(severity)
                .sqlState(sqlState)
                .message(message)
                .detail(detail)
                .hint(hint)
                .build());
    }

    public static ErrorResponse decode(ByteBuf body) {
        return new ErrorResponse(ErrorFields.decode(body, "ErrorResponse"));
    }

    /** The SQLSTATE, or {@code null} if the server sent none (or garbage). */
    public SqlState sqlState() {
        return fields.sqlState();
    }

    public String message() {
        return fields.message();
    }

    /** Whether the server will close the connection after this error. */
    public boolean isFatal() {
        String severity = fields.severityNonLocalized();
        return "FATAL".equals(severity) || "PANIC".equals(severity);
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Wire.beginMessage(out, BackendTag.ERROR_RESPONSE);
        fields.encode(out);
        Wire.endMessage(out, lengthIndex);
    }
}
