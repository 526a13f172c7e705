package dev.portcullis.pgwire.auth;

import dev.portcullis.pgwire.ProtocolException;
import dev.portcullis.pgwire.SqlState;
import dev.portcullis.pgwire.message.FrontendMessage;
import dev.portcullis.pgwire.message.backend.Authentication;
import dev.portcullis.pgwire.message.backend.AuthenticationCleartextPassword;
import dev.portcullis.pgwire.message.backend.AuthenticationMD5Password;
import dev.portcullis.pgwire.message.backend.AuthenticationOk;
import dev.portcullis.pgwire.message.backend.AuthenticationSASL;
import dev.portcullis.pgwire.message.backend.AuthenticationSASLContinue;
import dev.portcullis.pgwire.message.backend.AuthenticationSASLFinal;
import dev.portcullis.pgwire.message.backend.AuthenticationUnsupported;
import dev.portcullis.pgwire.message.frontend.PasswordMessage;
import dev.portcullis.pgwire.message.frontend.SASLInitialResponse;
import dev.portcullis.pgwire.message.frontend.SASLResponse;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The client side of a login to an upstream PostgreSQL server with a stored password, as a pure
 * state machine: feed it each Authentication message the server sends, write back what it
 * returns. It holds no connection, so the proxy's Netty handler stays in charge of IO.
 *
 * <pre>
 *   AuthenticationCleartextPassword  -&gt; PasswordMessage(password)
 *   AuthenticationMD5Password(salt)  -&gt; PasswordMessage("md5" + ...)
 *   AuthenticationSASL(mechanisms)   -&gt; SASLInitialResponse     (see {@link ScramSession})
 *   AuthenticationSASLContinue       -&gt; SASLResponse
 *   AuthenticationSASLFinal          -&gt; nothing (server signature verified)
 *   AuthenticationOk                 -&gt; nothing; {@link #isAuthenticated()} becomes true
 * </pre>
 *
 * <p>It enforces the {@link UpstreamAuthOptions}: only allowed methods; with channel binding
 * required, nothing but SCRAM-SHA-256-PLUS, including refusing a server that sends
 * AuthenticationOk without authenticating (it could be an impostor); and never an AuthenticationOk
 * after SCRAM before the server's signature was verified. The password is wiped from memory once
 * the login ends, either way.
 *
 * <p>Not thread-safe; one instance per upstream connection attempt.
 */
public final class UpstreamAuthenticator {

    private final String user;
    private final char[] password;
    private final ChannelBinding channelBinding;
    private final UpstreamAuthOptions options;
    private final Supplier<String> nonce;

    private ScramSession scram;
    private boolean scramVerified;
    private AuthMethod method;
    private boolean authenticated;
    private boolean failed;

    /**
     * @param user the upstream role, as sent in the upstream StartupMessage (MD5 hashes it in)
     * @param password the stored password; copied, so the caller can wipe its own array
     * @param channelBinding the binding of the upstream TLS connection, or {@code null} without TLS
     */
    public UpstreamAuthenticator(
            String user, char[] password, ChannelBinding channelBinding, UpstreamAuthOptions options) {
        this(user, password, channelBinding, options, null);
    }

    /** Tests only: fixes the SCRAM client nonce so real transcripts can be replayed. */
    UpstreamAuthenticator(
            String user,
            char[] password,
            ChannelBinding channelBinding,
            UpstreamAuthOptions options,
            Supplier<String> nonce) {
        this.user = Objects.requireNonNull(user, "user");
        this.password = password.clone();
        this.channelBinding = channelBinding;
        this.options = Objects.requireNonNull(options, "options");
        this.nonce = nonce;
    }

    /**
     * The message to send in answer to {@code request}, or {@code null} when none is due
     * (AuthenticationSASLFinal, AuthenticationOk).
     *
     * @throws AuthenticationFailedException if the login must not go on
     * @throws ProtocolException if the server's messages are out of order
     */
    public FrontendMessage respond(Authentication request) {
        if (failed || authenticated) {
            throw new IllegalStateException("the upstream login is already over");
        }
        try {
            return dispatch(request);
        } catch (RuntimeException e) {
            failed = true;
            wipe();
            throw e;
        }
    }

    private FrontendMessage dispatch(Authentication request) {
        if (request instanceof AuthenticationCleartextPassword) {
            start(AuthMethod.PASSWORD, "cleartext password");
            return new PasswordMessage(new String(password));
        }
        if (request instanceof AuthenticationMD5Password md5) {
            start(AuthMethod.MD5, "MD5");
            return new PasswordMessage(Md5Password.encode(user, password, md5.salt()));
        }
        if (request instanceof AuthenticationSASL sasl) {
            start(AuthMethod.SCRAM_SHA_256, "SCRAM");
            scram = nonce == null
                    ? ScramSession.start(
                            sasl.mechanisms(),
                            password,
                            channelBinding,
                            options.channelBinding(),
                            options.maxScramIterations())
                    : OngresScramSession.start(
                            "*",
                            sasl.mechanisms(),
                            password,
                            channelBinding,
                            options.channelBinding(),
                            options.maxScramIterations(),
                            nonce);
            return new SASLInitialResponse(scram.mechanism(), scram.clientFirstMessage());
        }
        if (request instanceof AuthenticationSASLContinue serverFirst) {
            if (scram == null || scramVerified) {
                throw new ProtocolException(
                        "upstream server sent AuthenticationSASLContinue outside a " + "SASL exchange");
            }
            return new SASLResponse(scram.clientFinalMessage(serverFirst.data()));
        }
        if (request instanceof AuthenticationSASLFinal serverFinal) {
            if (scram == null || scramVerified) {
                throw new ProtocolException(
                        "upstream server sent AuthenticationSASLFinal outside a " + "SASL exchange");
            }
            scram.verifyServerFinalMessage(serverFinal.data());
            scramVerified = true;
            return null;
        }
        if (request instanceof AuthenticationOk) {
            finish();
            return null;
        }
        AuthenticationUnsupported unsupported = (AuthenticationUnsupported) request;
        throw new AuthenticationFailedException(
                SqlState.FEATURE_NOT_SUPPORTED,
                "the upstream server "
                        + "asked for " + unsupported.name() + ", which Portcullis does not support; configure "
                        + "scram-sha-256 for this role in the server's pg_hba.conf");
    }

    private void start(AuthMethod requested, String description) {
        if (method != null) {
            throw new ProtocolException("upstream server asked for " + description + " authentication in the middle of "
                    + method + " authentication");
        }
        if (!options.allowedMethods().contains(requested)) {
            throw new AuthenticationFailedException(
                    SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
                    "the upstream server asked for " + description + " authentication, which this "
                            + "service does not allow (allowed: " + options.allowedMethods() + ")",
                    requested);
        }
        if (requested != AuthMethod.SCRAM_SHA_256 && options.channelBinding() == ChannelBindingMode.REQUIRE) {
            throw new AuthenticationFailedException(
                    SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
                    "channel binding is required, but the upstream server asked for " + description
                            + " authentication");
        }
        method = requested;
    }

    private void finish() {
        if (method == null) {
            if (options.channelBinding() == ChannelBindingMode.REQUIRE) {
                throw new AuthenticationFailedException(
                        SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
                        "channel binding is required, but the upstream server accepted the login without "
                                + "authenticating");
            }
            start(AuthMethod.NONE, "no");
        }
        if (scram != null && !scramVerified) {
            throw new AuthenticationFailedException(
                    SqlState.PROTOCOL_VIOLATION,
                    "the upstream server " + "sent AuthenticationOk before completing the SCRAM exchange");
        }
        authenticated = true;
        wipe();
    }

    private void wipe() {
        Arrays.fill(password, '\0');
    }

    /** Whether AuthenticationOk arrived and every check passed. */
    public boolean isAuthenticated() {
        return authenticated;
    }

    /** The method the server chose, or {@code null} before its first request. */
    public AuthMethod method() {
        return method;
    }

    /** The SCRAM mechanism used, or {@code null} if the login did not use SCRAM. */
    public String scramMechanism() {
        return scram == null ? null : scram.mechanism();
    }

    /** Whether the login was bound to the TLS channel (SCRAM-SHA-256-PLUS). */
    public boolean channelBound() {
        return scram != null && scram.channelBound();
    }

    @Override
    public String toString() {
        return "UpstreamAuthenticator[user=" + user + ", method=" + method + ", authenticated=" + authenticated
                + ", password=<not shown>]";
    }
}
