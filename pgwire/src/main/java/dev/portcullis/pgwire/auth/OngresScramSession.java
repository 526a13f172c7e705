package dev.portcullis.pgwire.auth;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.ongres.scram.client.ScramClient;
import com.ongres.scram.common.ScramMechanism;
import com.ongres.scram.common.ServerFirstMessage;
import com.ongres.scram.common.StringPreparation;
import com.ongres.scram.common.exception.ScramException;
import com.ongres.scram.common.exception.ScramInvalidServerSignatureException;
import com.ongres.scram.common.exception.ScramServerErrorException;
import dev.portcullis.pgwire.SqlState;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * {@link ScramSession} on top of {@code com.ongres.scram:scram-client}, configured the way pgjdbc
 * does it: PostgreSQL's string preparation (SASLprep, falling back to the raw password like the
 * server does), a placeholder user name (the server takes the user from the StartupMessage), and
 * channel-binding negotiation decided before the first message.
 */
final class OngresScramSession implements ScramSession {

    private static final String PLUS = "SCRAM-SHA-256-PLUS";
    /** RFC 5802 server-first-message: nonce, salt, iteration count, optional extensions. */
    private static final Pattern SERVER_FIRST =
            Pattern.compile("r=[\\x21-\\x2b\\x2d-\\x7e]+,s=[A-Za-z0-9+/=]+,i=[0-9]{1,10}(,.*)?");
    /** RFC 5802 server-final-message: a verifier or an error. */
    private static final Pattern SERVER_FINAL = Pattern.compile("(v=[A-Za-z0-9+/=]+|e=[^,]+)(,.*)?");

    /** The first-message client; replaced by {@link #withSalted} once the salt is known. */
    private ScramClient client;

    private final int maxIterations;
    /** A client in the same state as {@link #client}, but with the SaltedPassword given. */
    private final BiFunction<byte[], String, ScramClient> withSalted;

    private final char[] password;
    private String clientNonce;
    private boolean verified;

    private OngresScramSession(
            ScramClient client,
            int maxIterations,
            BiFunction<byte[], String, ScramClient> withSalted,
            char[] password) {
        this.client = client;
        this.maxIterations = maxIterations;
        this.withSalted = withSalted;
        this.password = password;
    }

    /**
     * As {@link ScramSession#start}. {@code username} is {@code "*"} for PostgreSQL (which ignores
     * it in favour of the StartupMessage user) and {@code nonce} replaces the random client nonce;
     * both exist so tests can replay RFC 7677's vector and recorded sessions.
     */
    static OngresScramSession start(
            String username,
            List<String> advertised,
            char[] password,
            ChannelBinding channelBinding,
            ChannelBindingMode mode,
            int maxIterations,
            Supplier<String> nonce) {
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations must be positive");
        }
        if (password.length == 0) {
            throw failed(SqlState.INVALID_PASSWORD, "the upstream password is empty");
        }
        ChannelBinding binding = mode == ChannelBindingMode.DISABLE ? null : channelBinding;
        if (mode == ChannelBindingMode.REQUIRE) {
            if (binding == null) {
                throw failed(
                        SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
                        "channel binding is required, but the upstream connection does not use TLS");
            }
            if (!advertised.contains(PLUS)) {
                throw failed(
                        SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
                        "channel binding is required, but the upstream server does not offer " + PLUS + " (offered: "
                                + advertised + ")");
            }
        }
        // the server may list mechanisms we do not know; keep the ones both sides support
        List<String> usable = advertised.stream()
                .filter(m -> ScramMechanism.byName(m) != null)
                .filter(m -> mode != ChannelBindingMode.DISABLE || !m.endsWith("-PLUS"))
                .toList();
        if (usable.isEmpty()) {
            throw failed(
                    SqlState.FEATURE_NOT_SUPPORTED,
                    "the upstream server offers no usable SASL " + "mechanism (offered: " + advertised + ")");
        }
        ScramClient client;
        BiFunction<byte[], String, ScramClient> withSalted = (salted, clientNonce) ->
                build(usable, username, binding, stage -> stage.saltedPassword(salted), () -> clientNonce);
        try {
            client = build(usable, username, binding, stage -> stage.password(password), nonce);
        } catch (IllegalArgumentException e) {
            throw failed(
                    SqlState.FEATURE_NOT_SUPPORTED,
                    "cannot negotiate a SCRAM mechanism with the " + "upstream server (offered: " + advertised + ")",
                    e);
        }
        if (mode == ChannelBindingMode.REQUIRE && !client.getScramMechanism().isPlus()) {
            // belt and braces: the library chose plain SCRAM although -PLUS was required
            throw failed(
                    SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
                    "channel binding is required, but it could not be negotiated");
        }
        return new OngresScramSession(client, maxIterations, withSalted, password.clone());
    }

    /** A client for these mechanisms, user and binding, with the given credential and nonce (null: random). */
    private static ScramClient build(
            List<String> usable,
            String username,
            ChannelBinding binding,
            Function<ScramClient.PasswordBuildStage, ScramClient.FinalBuildStage> credential,
            Supplier<String> nonce) {
        ScramClient.FinalBuildStage builder = credential
                .apply(ScramClient.builder().advertisedMechanisms(usable).username(username))
                .stringPreparation(StringPreparation.POSTGRESQL_PREPARATION);
        if (binding != null) {
            builder.channelBinding(binding.type(), binding.data());
        }
        if (nonce != null) {
            builder.nonceSupplier(nonce);
        }
        return builder.build();
    }

    @Override
    public String mechanism() {
        return client.getScramMechanism().getName();
    }

    @Override
    public boolean channelBound() {
        return client.getScramMechanism().isPlus();
    }

    @Override
    public byte[] clientFirstMessage() {
        var first = client.clientFirstMessage();
        clientNonce = first.getClientNonce();
        return first.toString().getBytes(UTF_8);
    }

    @Override
    public byte[] clientFinalMessage(byte[] serverFirstMessage) {
        String text = new String(serverFirstMessage, UTF_8);
        if (!SERVER_FIRST.matcher(text).matches()) {
            // checked here because the library trips an assertion (or an NPE without -ea) on some
            // malformed messages instead of throwing its parse exception
            throw failed(SqlState.PROTOCOL_VIOLATION, "the upstream server sent an invalid SCRAM server-first-message");
        }
        ServerFirstMessage serverFirst;
        try {
            serverFirst = client.serverFirstMessage(text);
        } catch (ScramException | RuntimeException e) {
            throw failed(
                    SqlState.PROTOCOL_VIOLATION, "the upstream server sent an invalid SCRAM server-first-message", e);
        }
        int iterations = serverFirst.getIterationCount();
        if (iterations < 1 || iterations > maxIterations) {
            throw failed(
                    SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
                    "the upstream server demands " + iterations + " SCRAM iterations; at most " + maxIterations
                            + " are allowed (raise the limit if this server is trusted)");
        }
        try {
            // PBKDF2 is most of a login's CPU, and the same for every login with one password, salt
            // and count: computed once (SaltedPasswords), then given to a client in the same state
            byte[] salted =
                    SaltedPasswords.get(client.getScramMechanism(), password, serverFirst.getSalt(), iterations);
            Arrays.fill(password, (char) 0);
            ScramClient fast = withSalted.apply(salted, clientNonce);
            fast.clientFirstMessage();
            fast.serverFirstMessage(text);
            client = fast;
            return client.clientFinalMessage().toString().getBytes(UTF_8);
        } catch (ScramException | RuntimeException e) {
            // e.g. a salt that is not base64
            throw failed(
                    SqlState.PROTOCOL_VIOLATION, "the upstream server sent an invalid SCRAM server-first-message", e);
        }
    }

    @Override
    public void verifyServerFinalMessage(byte[] serverFinalMessage) {
        String text = new String(serverFinalMessage, UTF_8);
        if (!SERVER_FINAL.matcher(text).matches()) {
            throw failed(SqlState.PROTOCOL_VIOLATION, "the upstream server sent an invalid SCRAM server-final-message");
        }
        try {
            client.serverFinalMessage(text);
            verified = true;
        } catch (ScramServerErrorException e) {
            throw failed(
                    SqlState.INVALID_PASSWORD,
                    "the upstream server rejected the SCRAM exchange: " + e.getServerError(),
                    e);
        } catch (ScramInvalidServerSignatureException e) {
            throw failed(
                    SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "the upstream server failed to prove it knows the password (SCRAM server signature "
                            + "mismatch): it may not be the server it claims to be",
                    e);
        } catch (ScramException | RuntimeException e) {
            throw failed(
                    SqlState.PROTOCOL_VIOLATION, "the upstream server sent an invalid SCRAM server-final-message", e);
        }
    }

    private static AuthenticationFailedException failed(SqlState state, String message) {
        return new AuthenticationFailedException(state, message);
    }

    private static AuthenticationFailedException failed(SqlState state, String message, Throwable cause) {
        return new AuthenticationFailedException(state, message, cause);
    }

    @Override
    public String toString() {
        return "ScramSession[" + mechanism() + ", verified=" + verified + "]";
    }
}
