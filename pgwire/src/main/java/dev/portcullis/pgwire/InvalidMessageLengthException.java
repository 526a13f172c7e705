package dev.portcullis.pgwire;

/**
 * A length field that can never be valid: negative, or smaller than the length field itself
 * (or, for startup packets, smaller than length + request code). Such a peer is either broken or
 * not speaking PostgreSQL at all, so nothing after it can be trusted.
 */
public final class InvalidMessageLengthException extends ProtocolException {

    private static final long serialVersionUID = 1L;

    private final int length;

    public InvalidMessageLengthException(String what, int length, int minimum) {
        super("invalid length of " + what + ": " + length + " (must be at least " + minimum + ")");
        this.length = length;
    }

    /** The offending value of the length field, as sent. */
    public int length() {
        return length;
    }
}
