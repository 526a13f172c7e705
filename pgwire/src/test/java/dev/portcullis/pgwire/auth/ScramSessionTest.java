package dev.portcullis.pgwire.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.pgwire.SqlState;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScramSessionTest {

    private static final String PLAIN = "SCRAM-SHA-256";
    private static final String PLUS = "SCRAM-SHA-256-PLUS";
    private static final ChannelBinding BINDING =
            ChannelBinding.tlsServerEndPoint(Certificates.parse(Certificates.P256_SHA256));

    private static OngresScramSession session(
            List<String> offered, ChannelBinding binding, ChannelBindingMode mode, int maxIterations) {
        return OngresScramSession.start(
                "*", offered, "pencil".toCharArray(), binding, mode, maxIterations, () -> "fixedClientNonce");
    }

    private static String text(byte[] bytes) {
        return new String(bytes, UTF_8);
    }

    /** RFC 7677 section 3: the SCRAM-SHA-256 example exchange, byte for byte. */
    @Test
    void rfc7677TestVector() {
        OngresScramSession scram = OngresScramSession.start(
                "user",
                List.of(PLAIN),
                "pencil".toCharArray(),
                null,
                ChannelBindingMode.PREFER,
                4096,
                () -> "rOprNGfwEbeRWgbNEkqO");
        assertEquals(PLAIN, scram.mechanism());
        assertFalse(scram.channelBound());
        assertEquals("n,,n=user,r=rOprNGfwEbeRWgbNEkqO", text(scram.clientFirstMessage()));
        byte[] clientFinal = scram.clientFinalMessage(
                ("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxF" + "Ilj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")
                        .getBytes(UTF_8));
        assertEquals(
                "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                        + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
                text(clientFinal));
        scram.verifyServerFinalMessage("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=".getBytes(UTF_8));
    }

    @Test
    void serverThatDoesNotKnowThePasswordIsCaught() {
        OngresScramSession scram = OngresScramSession.start(
                "user",
                List.of(PLAIN),
                "pencil".toCharArray(),
                null,
                ChannelBindingMode.PREFER,
                4096,
                () -> "rOprNGfwEbeRWgbNEkqO");
        scram.clientFirstMessage();
        scram.clientFinalMessage(
                ("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0," + "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")
                        .getBytes(UTF_8));
        AuthenticationFailedException e = assertThrows(
                AuthenticationFailedException.class,
                () -> scram.verifyServerFinalMessage("v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=".getBytes(UTF_8)));
        assertEquals(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, e.sqlState());
        assertTrue(e.getMessage().contains("failed to prove"), e.getMessage());
    }

    @Test
    void serverErrorInTheFinalMessage() {
        OngresScramSession scram = session(List.of(PLAIN), null, ChannelBindingMode.PREFER, 4096);
        scram.clientFirstMessage();
        scram.clientFinalMessage("r=fixedClientNonceS,s=QSXCR+Q6sek8bf92,i=4096".getBytes(UTF_8));
        AuthenticationFailedException e = assertThrows(
                AuthenticationFailedException.class,
                () -> scram.verifyServerFinalMessage("e=invalid-proof".getBytes(UTF_8)));
        assertEquals(SqlState.INVALID_PASSWORD, e.sqlState());
        assertTrue(e.getMessage().endsWith("invalid-proof"), e.getMessage());
    }

    @Test
    void iterationCountAboveTheCapIsRefusedBeforeAnyWork() {
        OngresScramSession scram = session(List.of(PLAIN), null, ChannelBindingMode.PREFER, 100_000);
        scram.clientFirstMessage();
        AuthenticationFailedException e = assertThrows(
                AuthenticationFailedException.class,
                () -> scram.clientFinalMessage("r=fixedClientNonceS,s=QSXCR+Q6sek8bf92,i=2000000000".getBytes(UTF_8)));
        assertTrue(e.getMessage().contains("demands 2000000000 SCRAM iterations; at most 100000"), e.getMessage());
        OngresScramSession atCap = session(List.of(PLAIN), null, ChannelBindingMode.PREFER, 4096);
        atCap.clientFirstMessage();
        atCap.clientFinalMessage("r=fixedClientNonceS,s=QSXCR+Q6sek8bf92,i=4096".getBytes(UTF_8));
    }

    @Test
    void malformedServerFirstMessages() {
        for (String bad : List.of(
                "r=someoneElsesNonce,s=QSXCR+Q6sek8bf92,i=4096",
                "r=fixedClientNonceS,s=QSXCR+Q6sek8bf92",
                "garbage",
                "r=fixedClientNonceS,s=QSXCR+Q6sek8bf92,i=0",
                "r=fixedClientNonceS,s=@@not base64@@,i=4096")) {
            OngresScramSession scram = session(List.of(PLAIN), null, ChannelBindingMode.PREFER, 4096);
            scram.clientFirstMessage();
            AuthenticationFailedException e = assertThrows(
                    AuthenticationFailedException.class, () -> scram.clientFinalMessage(bad.getBytes(UTF_8)), bad);
            assertFalse(e.getMessage().contains("fixedClientNonce"), "SASL data in a message");
        }
    }

    /** SCRAM-SHA-256-PLUS end to end against the JDK-only implementation. */
    @Test
    void channelBoundExchangeMatchesAnIndependentComputation() throws Exception {
        OngresScramSession scram = session(List.of(PLUS, PLAIN), BINDING, ChannelBindingMode.PREFER, 4096);
        assertEquals(PLUS, scram.mechanism());
        assertTrue(scram.channelBound());
        String clientFirst = text(scram.clientFirstMessage());
        assertEquals("p=tls-server-end-point,,n=*,r=fixedClientNonce", clientFirst);

        byte[] salt = "sixteen byte salt".getBytes(UTF_8);
        String serverFirst =
                "r=fixedClientNonceFromServer,s=" + Base64.getEncoder().encodeToString(salt) + ",i=4096";
        String clientFinal = text(scram.clientFinalMessage(serverFirst.getBytes(UTF_8)));

        byte[] certificateHash = MessageDigest.getInstance("SHA-256")
                .digest(Certificates.parse(Certificates.P256_SHA256).getEncoded());
        byte[] cbindInput = concat("p=tls-server-end-point,,".getBytes(UTF_8), certificateHash);
        String withoutProof = "c=" + Base64.getEncoder().encodeToString(cbindInput) + ",r=fixedClientNonceFromServer";
        String authMessage = "n=*,r=fixedClientNonce," + serverFirst + "," + withoutProof;
        IndependentScram independent = new IndependentScram("pencil", salt, 4096);
        assertEquals(withoutProof + ",p=" + independent.clientProof(authMessage), clientFinal);
        scram.verifyServerFinalMessage(("v=" + independent.serverSignature(authMessage)).getBytes(UTF_8));
    }

    @Test
    void preferFallsBackOpenlyWhenTheServerHasNoPlus() {
        // TLS but no -PLUS offered: "y" tells the server we could have bound (downgrade detection)
        OngresScramSession withTls = session(List.of(PLAIN), BINDING, ChannelBindingMode.PREFER, 4096);
        assertEquals(PLAIN, withTls.mechanism());
        assertEquals("y,,n=*,r=fixedClientNonce", text(withTls.clientFirstMessage()));
        // no TLS: plain SCRAM with "n"
        OngresScramSession noTls = session(List.of(PLUS, PLAIN), null, ChannelBindingMode.PREFER, 4096);
        assertEquals(PLAIN, noTls.mechanism());
        assertEquals("n,,n=*,r=fixedClientNonce", text(noTls.clientFirstMessage()));
    }

    @Test
    void disableNeverBinds() {
        OngresScramSession scram = session(List.of(PLUS, PLAIN), BINDING, ChannelBindingMode.DISABLE, 4096);
        assertEquals(PLAIN, scram.mechanism());
        assertEquals("n,,n=*,r=fixedClientNonce", text(scram.clientFirstMessage()));
    }

    @Test
    void requireNeverDowngrades() {
        AuthenticationFailedException noTls = assertThrows(
                AuthenticationFailedException.class,
                () -> session(List.of(PLUS, PLAIN), null, ChannelBindingMode.REQUIRE, 4096));
        assertTrue(noTls.getMessage().contains("does not use TLS"), noTls.getMessage());
        AuthenticationFailedException noPlus = assertThrows(
                AuthenticationFailedException.class,
                () -> session(List.of(PLAIN), BINDING, ChannelBindingMode.REQUIRE, 4096));
        assertTrue(noPlus.getMessage().contains("does not offer SCRAM-SHA-256-PLUS"), noPlus.getMessage());
        OngresScramSession scram = session(List.of(PLUS, PLAIN), BINDING, ChannelBindingMode.REQUIRE, 4096);
        assertEquals(PLUS, scram.mechanism());
    }

    @Test
    void unknownMechanismsOnly() {
        AuthenticationFailedException e = assertThrows(
                AuthenticationFailedException.class,
                () -> session(List.of("OAUTHBEARER"), null, ChannelBindingMode.PREFER, 4096));
        assertEquals(SqlState.FEATURE_NOT_SUPPORTED, e.sqlState());
        assertThrows(
                AuthenticationFailedException.class,
                () -> ScramSession.start(List.of(PLAIN), new char[0], null, ChannelBindingMode.PREFER, 4096));
    }

    @Test
    void publicStartUsesAPlaceholderUserAndARandomNonce() {
        ScramSession scram =
                ScramSession.start(List.of(PLAIN), "pencil".toCharArray(), null, ChannelBindingMode.PREFER, 4096);
        String clientFirst = text(scram.clientFirstMessage());
        assertTrue(clientFirst.startsWith("n,,n=*,r="), clientFirst);
        assertTrue(clientFirst.length() > "n,,n=*,r=".length() + 16, "nonce too short");
        assertFalse(scram.toString().contains("pencil") || scram.toString().contains("r="));
    }

    @Test
    void tlsServerEndPointHashFollowsTheCertificateSignature() throws Exception {
        X509Certificate sha256 = Certificates.parse(Certificates.P256_SHA256);
        assertArrayEquals(
                MessageDigest.getInstance("SHA-256").digest(sha256.getEncoded()),
                ChannelBinding.tlsServerEndPoint(sha256).data());
        X509Certificate sha384 = Certificates.parse(Certificates.P384_SHA384);
        assertArrayEquals(
                MessageDigest.getInstance("SHA-384").digest(sha384.getEncoded()),
                ChannelBinding.tlsServerEndPoint(sha384).data());
        X509Certificate sha1 = Certificates.parse(Certificates.P256_SHA1);
        assertArrayEquals(
                MessageDigest.getInstance("SHA-256").digest(sha1.getEncoded()),
                ChannelBinding.tlsServerEndPoint(sha1).data(),
                "SHA-1 is replaced by SHA-256");
        assertEquals("ChannelBinding[tls-server-end-point, 32 bytes]", BINDING.toString());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
