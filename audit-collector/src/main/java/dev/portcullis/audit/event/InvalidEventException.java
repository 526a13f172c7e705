package dev.portcullis.audit.event;

/** A record that is not an AccessLog at all; it is counted and skipped, never retried. */
public class InvalidEventException extends RuntimeException {
    public InvalidEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
