package dev.portcullis.pgwire.message.frontend;

/**
 * Which message a {@code 'p'} frame holds. The tag is shared, so only the server's last
 * authentication request tells: AuthenticationCleartextPassword/MD5Password expect a
 * {@link #PASSWORD}, AuthenticationSASL a {@link #SASL_INITIAL_RESPONSE},
 * AuthenticationSASLContinue
 * a {@link #SASL_RESPONSE}.
 */
public enum PasswordMessageKind {
    PASSWORD,
    SASL_INITIAL_RESPONSE,
    SASL_RESPONSE
}
