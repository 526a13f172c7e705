package dev.portcullis.pgwire.protocol;

/**
 * Type bytes of messages a server (backend) sends. See {@link FrontendTag} for why the two sets
 * are kept apart.
 */
public final class BackendTag {

    /**
     * All Authentication* messages; the Int32 after the length says which (see {@link
     * AuthenticationCode}).
     */
    public static final byte AUTHENTICATION = 'R';

    public static final byte BACKEND_KEY_DATA = 'K';
    public static final byte BIND_COMPLETE = '2';
    public static final byte CLOSE_COMPLETE = '3';
    public static final byte COMMAND_COMPLETE = 'C';
    public static final byte COPY_DATA = 'd';
    public static final byte COPY_DONE = 'c';
    public static final byte COPY_IN_RESPONSE = 'G';
    public static final byte COPY_OUT_RESPONSE = 'H';
    public static final byte COPY_BOTH_RESPONSE = 'W';
    public static final byte DATA_ROW = 'D';
    public static final byte EMPTY_QUERY_RESPONSE = 'I';
    public static final byte ERROR_RESPONSE = 'E';
    public static final byte FUNCTION_CALL_RESPONSE = 'V';
    public static final byte NEGOTIATE_PROTOCOL_VERSION = 'v';
    public static final byte NO_DATA = 'n';
    public static final byte NOTICE_RESPONSE = 'N';
    public static final byte NOTIFICATION_RESPONSE = 'A';
    public static final byte PARAMETER_DESCRIPTION = 't';
    public static final byte PARAMETER_STATUS = 'S';
    public static final byte PARSE_COMPLETE = '1';
    public static final byte PORTAL_SUSPENDED = 's';
    public static final byte READY_FOR_QUERY = 'Z';
    public static final byte ROW_DESCRIPTION = 'T';

    private BackendTag() {}

    /** Whether a server may send {@code tag}. */
    public static boolean isKnown(byte tag) {
        return !name(tag).startsWith("unknown");
    }

    /** The documentation's name of the backend message with {@code tag}. */
    public static String name(byte tag) {
        switch (tag) {
            case AUTHENTICATION:
                return "Authentication";
            case BACKEND_KEY_DATA:
                return "BackendKeyData";
            case BIND_COMPLETE:
                return "BindComplete";
            case CLOSE_COMPLETE:
                return "CloseComplete";
            case COMMAND_COMPLETE:
                return "CommandComplete";
            case COPY_DATA:
                return "CopyData";
            case COPY_DONE:
                return "CopyDone";
            case COPY_IN_RESPONSE:
                return "CopyInResponse";
            case COPY_OUT_RESPONSE:
                return "CopyOutResponse";
            case COPY_BOTH_RESPONSE:
                return "CopyBothResponse";
            case DATA_ROW:
                return "DataRow";
            case EMPTY_QUERY_RESPONSE:
                return "EmptyQueryResponse";
            case ERROR_RESPONSE:
                return "ErrorResponse";
            case FUNCTION_CALL_RESPONSE:
                return "FunctionCallResponse";
            case NEGOTIATE_PROTOCOL_VERSION:
                return "NegotiateProtocolVersion";
            case NO_DATA:
                return "NoData";
            case NOTICE_RESPONSE:
                return "NoticeResponse";
            case NOTIFICATION_RESPONSE:
                return "NotificationResponse";
            case PARAMETER_DESCRIPTION:
                return "ParameterDescription";
            case PARAMETER_STATUS:
                return "ParameterStatus";
            case PARSE_COMPLETE:
                return "ParseComplete";
            case PORTAL_SUSPENDED:
                return "PortalSuspended";
            case READY_FOR_QUERY:
                return "ReadyForQuery";
            case ROW_DESCRIPTION:
                return "RowDescription";
            default:
                return "unknown backend message type " + Tags.describe(tag);
        }
    }
}
