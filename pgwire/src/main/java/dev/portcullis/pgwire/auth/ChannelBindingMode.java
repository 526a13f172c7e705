package dev.portcullis.pgwire.auth;

/** How SCRAM channel binding is used, with libpq's {@code channel_binding} semantics. */
public enum ChannelBindingMode {
    /** Never bind, even when the server offers SCRAM-SHA-256-PLUS. */
    DISABLE,
    /** Bind when there is TLS and the server offers -PLUS; otherwise plain SCRAM-SHA-256. */
    PREFER,
    /**
     * Only SCRAM-SHA-256-PLUS over TLS is acceptable. Every other outcome (no TLS, no -PLUS offered,
     * MD5, cleartext, or a server that skips authentication) fails instead of downgrading.
     */
    REQUIRE
}
