package dev.portcullis.pgwire.auth;

import java.util.List;

/**
 * The client side of one SCRAM-SHA-256(-PLUS) exchange with a PostgreSQL server, in the order the
 * messages flow:
 *
 * <pre>
 *   &lt;=BE AuthenticationSASL(mechanisms)      -&gt; {@link #start}
 *   FE=&gt; SASLInitialResponse(mechanism(), clientFirstMessage())
 *   &lt;=BE AuthenticationSASLContinue(server-first)
 *   FE=&gt; SASLResponse(clientFinalMessage(server-first))
 *   &lt;=BE AuthenticationSASLFinal(server-final)  -&gt; verifyServerFinalMessage(server-final)
 *   &lt;=BE AuthenticationOk
 * </pre>
 *
 * <p>Implementations refuse to compute a proof for more PBKDF2 iterations than allowed (a hostile
 * server could otherwise burn the proxy's CPU) and never downgrade when channel binding is
 * required. Every method throws {@link AuthenticationFailedException} on failure.
 */
public interface ScramSession {

    /** The chosen mechanism, {@code SCRAM-SHA-256} or {@code SCRAM-SHA-256-PLUS}. */
    String mechanism();

    /** Whether this exchange binds to the TLS channel (a -PLUS mechanism). */
    boolean channelBound();

    /** The client-first-message, for SASLInitialResponse. */
    byte[] clientFirstMessage();

    /**
     * Checks the server-first-message (nonce, salt, iteration count) and returns the
     * client-final-message with the proof, for SASLResponse.
     */
    byte[] clientFinalMessage(byte[] serverFirstMessage);

    /**
     * Checks the server-final-message: the server's signature proves it knew the password too. An
     * AuthenticationOk must not be trusted before this succeeded.
     */
    void verifyServerFinalMessage(byte[] serverFinalMessage);

    /**
     * Negotiates a mechanism from those the server advertised and starts the exchange.
     *
     * @param advertisedMechanisms from AuthenticationSASL
     * @param password the clear password; copied, the caller may wipe its array afterwards
     * @param channelBinding the TLS binding of the upstream connection, or {@code null} without TLS
     * @param mode whether to use, allow or require channel binding
     * @param maxIterations the largest PBKDF2 iteration count a server may demand
     */
    static ScramSession start(
            List<String> advertisedMechanisms,
            char[] password,
            ChannelBinding channelBinding,
            ChannelBindingMode mode,
            int maxIterations) {
        return OngresScramSession.start("*", advertisedMechanisms, password, channelBinding, mode, maxIterations, null);
    }
}
