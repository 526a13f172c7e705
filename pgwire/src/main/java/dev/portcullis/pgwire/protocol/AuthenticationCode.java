package dev.portcullis.pgwire.protocol;

/** The Int32 that follows the length in every Authentication ({@code 'R'}) message. */
public final class AuthenticationCode {

    public static final int OK = 0;
    public static final int KERBEROS_V5 = 2;
    public static final int CLEARTEXT_PASSWORD = 3;
    public static final int MD5_PASSWORD = 5;
    public static final int GSS = 7;
    public static final int GSS_CONTINUE = 8;
    public static final int SSPI = 9;
    public static final int SASL = 10;
    public static final int SASL_CONTINUE = 11;
    public static final int SASL_FINAL = 12;

    private AuthenticationCode() {}

    /** The documentation's message name for {@code code}. */
    public static String name(int code) {
        switch (code) {
            case OK:
                return "AuthenticationOk";
            case KERBEROS_V5:
                return "AuthenticationKerberosV5";
            case CLEARTEXT_PASSWORD:
                return "AuthenticationCleartextPassword";
            case MD5_PASSWORD:
                return "AuthenticationMD5Password";
            case GSS:
                return "AuthenticationGSS";
            case GSS_CONTINUE:
                return "AuthenticationGSSContinue";
            case SSPI:
                return "AuthenticationSSPI";
            case SASL:
                return "AuthenticationSASL";
            case SASL_CONTINUE:
                return "AuthenticationSASLContinue";
            case SASL_FINAL:
                return "AuthenticationSASLFinal";
            default:
                return "unknown authentication request " + code;
        }
    }
}
