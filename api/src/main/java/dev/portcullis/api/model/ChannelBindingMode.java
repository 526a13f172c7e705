package dev.portcullis.api.model;

/**
 * Whether the proxy binds its SCRAM login to the upstream TLS connection
 * (SCRAM-SHA-256-PLUS), with libpq's {@code channel_binding} semantics.
 */
public enum ChannelBindingMode {
    /** Bind when there is TLS and the server offers SCRAM-SHA-256-PLUS. The default. */
    PREFER,
    /**
     * SCRAM-SHA-256-PLUS or fail: no TLS, a server that does not offer -PLUS, MD5, cleartext or
     * no authentication at all refuse the connection instead of downgrading.
     */
    REQUIRE,
    /** Never bind, even when the server offers SCRAM-SHA-256-PLUS. */
    DISABLE;

    /** An empty value means the default, PREFER. */
    public static ChannelBindingMode parse(String value) {
        return Words.parse(ChannelBindingMode.class, value, PREFER);
    }
}
