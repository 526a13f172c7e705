package dev.portcullis.api.model;

/** How the proxy secures its connection to the upstream PostgreSQL (libpq's sslmode). */
public enum SslMode {
    /** Try TLS, fall back to plaintext if the server refuses it. The default. */
    PREFER,
    /** TLS or fail; the certificate is not checked. */
    REQUIRE,
    /** Never TLS. */
    DISABLE,
    /** TLS with a certificate signed by the configured CA. */
    VERIFY_CA,
    /** VERIFY_CA, and the certificate names the upstream host. */
    VERIFY_FULL;

    /** An empty value means the default, PREFER. */
    public static SslMode parse(String value) {
        return Words.parse(SslMode.class, value, PREFER);
    }
}
