package dev.portcullis.pgwire.protocol;

/**
 * The numbers of the startup phase, where packets have no type byte: an Int32 length, then an
 * Int32 that is either a protocol version (StartupMessage) or a request code chosen to be an
 * impossible version (1234 in the major half).
 */
public final class StartupCode {

    /** Protocol 3.0, the version every supported client sends by default. */
    public static final int PROTOCOL_3_0 = 3 << 16;
    /**
     * Supported major version; minor versions above 0 are negotiated down with
     * NegotiateProtocolVersion.
     */
    public static final int PROTOCOL_MAJOR = 3;
    /** The newest minor version Portcullis speaks. */
    public static final int PROTOCOL_NEWEST_MINOR = 0;

    /** 1234.5679: "may I switch to TLS?" */
    public static final int SSL_REQUEST = 80877103;
    /** 1234.5680: "may I switch to GSSAPI encryption?" */
    public static final int GSSENC_REQUEST = 80877104;
    /** 1234.5678: "cancel what the backend with this process id and key is doing". */
    public static final int CANCEL_REQUEST = 80877102;

    /** PostgreSQL's MAX_STARTUP_PACKET_LENGTH: the cap on any startup-phase packet. */
    public static final int MAX_STARTUP_PACKET_LENGTH = 10000;
    /** Length + code: the smallest possible startup packet. */
    public static final int MIN_STARTUP_PACKET_LENGTH = 8;

    /** Cancel keys are 4 bytes up to protocol 3.1; protocol 3.2 (PostgreSQL 18) allows up to 256. */
    public static final int MIN_CANCEL_KEY_LENGTH = 4;
    /** See {@link #MIN_CANCEL_KEY_LENGTH}. */
    public static final int MAX_CANCEL_KEY_LENGTH = 256;

    private StartupCode() {}

    public static int majorVersion(int protocolVersion) {
        return protocolVersion >>> 16;
    }

    public static int minorVersion(int protocolVersion) {
        return protocolVersion & 0xffff;
    }

    public static int protocolVersion(int major, int minor) {
        return major << 16 | minor;
    }

    /** {@code "3.0"}, as PostgreSQL prints versions. */
    public static String versionString(int protocolVersion) {
        return majorVersion(protocolVersion) + "." + minorVersion(protocolVersion);
    }
}
