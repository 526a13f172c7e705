package dev.portcullis.pgwire.protocol;

/**
 * Which side sent a message. The same tag byte means different things in each direction
 * ({@code 'D'} is Describe from a client but DataRow from a server), so every tag lookup needs one.
 * The prefixes follow pgjdbc's log convention: {@code FE=>} and {@code <=BE}.
 */
public enum Direction {
    /** Client to server. */
    FRONTEND("FE=>"),
    /** Server to client. */
    BACKEND("<=BE");

    private final String logPrefix;

    Direction(String logPrefix) {
        this.logPrefix = logPrefix;
    }

    /** {@code FE=>} or {@code <=BE}, for protocol traces. */
    public String logPrefix() {
        return logPrefix;
    }

    /** Whether {@code tag} names a message this side may send. */
    public boolean isKnownTag(byte tag) {
        return this == FRONTEND ? FrontendTag.isKnown(tag) : BackendTag.isKnown(tag);
    }

    /** The PostgreSQL documentation's name for a message this side sent with {@code tag}. */
    public String tagName(byte tag) {
        return this == FRONTEND ? FrontendTag.name(tag) : BackendTag.name(tag);
    }
}
