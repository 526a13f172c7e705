package dev.portcullis.pgwire.protocol;

/**
 * Type bytes of messages a client (frontend) sends after the startup packet.
 *
 * <p>Kept apart from {@link BackendTag} because the byte values collide with different meanings:
 * {@code 'D'} Describe vs DataRow, {@code 'E'} Execute vs ErrorResponse, {@code 'C'} Close vs
 * CommandComplete, {@code 'S'} Sync vs ParameterStatus, {@code 'H'} Flush vs CopyOutResponse.
 */
public final class FrontendTag {

    public static final byte BIND = 'B';
    public static final byte CLOSE = 'C';
    public static final byte COPY_DATA = 'd';
    public static final byte COPY_DONE = 'c';
    public static final byte COPY_FAIL = 'f';
    public static final byte DESCRIBE = 'D';
    public static final byte EXECUTE = 'E';
    public static final byte FLUSH = 'H';
    public static final byte FUNCTION_CALL = 'F';
    public static final byte PARSE = 'P';
    /**
     * PasswordMessage, SASLInitialResponse, SASLResponse and GSSResponse all use {@code 'p'}; only
     * the authentication exchange in progress says which one a given message is.
     */
    public static final byte PASSWORD_MESSAGE = 'p';

    public static final byte QUERY = 'Q';
    public static final byte SYNC = 'S';
    public static final byte TERMINATE = 'X';

    private FrontendTag() {}

    /** Whether a client may send {@code tag} (after startup). */
    public static boolean isKnown(byte tag) {
        return !name(tag).startsWith("unknown");
    }

    /** The documentation's name of the frontend message with {@code tag}. */
    public static String name(byte tag) {
        switch (tag) {
            case BIND:
                return "Bind";
            case CLOSE:
                return "Close";
            case COPY_DATA:
                return "CopyData";
            case COPY_DONE:
                return "CopyDone";
            case COPY_FAIL:
                return "CopyFail";
            case DESCRIBE:
                return "Describe";
            case EXECUTE:
                return "Execute";
            case FLUSH:
                return "Flush";
            case FUNCTION_CALL:
                return "FunctionCall";
            case PARSE:
                return "Parse";
            case PASSWORD_MESSAGE:
                return "PasswordMessage";
            case QUERY:
                return "Query";
            case SYNC:
                return "Sync";
            case TERMINATE:
                return "Terminate";
            default:
                return "unknown frontend message type " + Tags.describe(tag);
        }
    }
}
