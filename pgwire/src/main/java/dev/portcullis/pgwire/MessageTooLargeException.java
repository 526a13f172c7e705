package dev.portcullis.pgwire;

/**
 * A length field above the configured cap. Raised as soon as the header is read, before a single
 * body byte is buffered, so an unauthenticated peer cannot make the proxy allocate memory by
 * announcing a huge message.
 */
public final class MessageTooLargeException extends ProtocolException {

    private static final long serialVersionUID = 1L;

    private final int length;
    private final int limit;

    public MessageTooLargeException(String what, int length, int limit) {
        // PostgreSQL reports an over-long message as a protocol violation too ("invalid message
        // length")
        super(what + " of " + length + " bytes exceeds the limit of " + limit + " bytes");
        this.length = length;
        this.limit = limit;
    }

    /** The announced length (the Int32 length field, which counts itself). */
    public int length() {
        return length;
    }

    /** The cap that was in force. */
    public int limit() {
        return limit;
    }
}
