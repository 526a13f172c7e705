package dev.portcullis.proxy.auth.client;

import dev.portcullis.pgwire.ProtocolException;
import dev.portcullis.pgwire.SqlState;
import dev.portcullis.pgwire.message.frontend.PasswordMessage;

/**
 * The client's access token arrives as the password of a cleartext password exchange (so that
 * plain psql works); it is a bearer credential and is never logged, only passed to policy-service.
 */
public final class ClientToken {
    private ClientToken() {}

    public static String from(PasswordMessage message) {
        String token = message.password() == null ? "" : message.password().trim();
        if (token.isEmpty()) {
            throw new ProtocolException(SqlState.INVALID_PASSWORD, "empty password: give your Portcullis access token");
        }
        return token;
    }
}
