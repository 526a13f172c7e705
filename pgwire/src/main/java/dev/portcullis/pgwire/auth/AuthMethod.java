package dev.portcullis.pgwire.auth;

/**
 * Upstream authentication methods, as libpq's {@code require_auth} names them; the options list
 * the ones the proxy may use with a given upstream.
 */
public enum AuthMethod {
    /** The server asks nothing (trust) and sends AuthenticationOk straight away. */
    NONE,
    /** AuthenticationCleartextPassword: the password crosses the wire as is. */
    PASSWORD,
    /** AuthenticationMD5Password. */
    MD5,
    /** AuthenticationSASL with SCRAM-SHA-256 or SCRAM-SHA-256-PLUS. */
    SCRAM_SHA_256
}
