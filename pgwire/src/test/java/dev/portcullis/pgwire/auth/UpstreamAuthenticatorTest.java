package dev.portcullis.pgwire.auth;

import static dev.portcullis.pgwire.Hex.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.pgwire.ProtocolException;
import dev.portcullis.pgwire.SqlState;
import dev.portcullis.pgwire.Transcripts;
import dev.portcullis.pgwire.message.FrontendMessage;
import dev.portcullis.pgwire.message.backend.Authentication;
import dev.portcullis.pgwire.message.backend.AuthenticationCleartextPassword;
import dev.portcullis.pgwire.message.backend.AuthenticationMD5Password;
import dev.portcullis.pgwire.message.backend.AuthenticationOk;
import dev.portcullis.pgwire.message.backend.AuthenticationSASL;
import dev.portcullis.pgwire.message.backend.AuthenticationSASLContinue;
import dev.portcullis.pgwire.message.backend.AuthenticationUnsupported;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class UpstreamAuthenticatorTest {

    private static Authentication request(String hex) {
        byte[] message = bytes(hex);
        ByteBuf body = Unpooled.wrappedBuffer(message, 5, message.length - 5);
        try {
            return Authentication.decode(body);
        } finally {
            body.release();
        }
    }

    private static String wire(FrontendMessage message) {
        ByteBuf out = message.encode(ByteBufAllocator.DEFAULT);
        try {
            return ByteBufUtil.hexDump(out);
        } finally {
            out.release();
        }
    }

    /** Replays pgjdbc's recorded login as alice/pencil: our answers must be its exact bytes. */
    @Test
    void scramLoginReproducesTheRecordedPgjdbcSession() {
        String clientFirst =
                new String(bytes(Transcripts.PGJDBC_SCRAM_FRONTEND.get(0)), java.nio.charset.StandardCharsets.UTF_8);
        String nonce = clientFirst.substring(clientFirst.indexOf("r=") + 2);
        UpstreamAuthenticator login = new UpstreamAuthenticator(
                "alice", "pencil".toCharArray(), null, UpstreamAuthOptions.DEFAULTS, () -> nonce);
        List<String> server = Transcripts.PGJDBC_SCRAM_BACKEND;
        assertEquals(Transcripts.PGJDBC_SCRAM_FRONTEND.get(0), wire(login.respond(request(server.get(0)))));
        assertEquals(Transcripts.PGJDBC_SCRAM_FRONTEND.get(1), wire(login.respond(request(server.get(1)))));
        assertNull(login.respond(request(server.get(2))), "SASLFinal needs no answer");
        assertFalse(login.isAuthenticated());
        assertNull(login.respond(request(server.get(3))));
        assertTrue(login.isAuthenticated());
        assertEquals(AuthMethod.SCRAM_SHA_256, login.method());
        assertEquals("SCRAM-SHA-256", login.scramMechanism());
        assertFalse(login.channelBound());
    }

    @Test
    void md5LoginReproducesTheRecordedPsqlSession() {
        UpstreamAuthenticator login =
                new UpstreamAuthenticator("md5user", "md5pass".toCharArray(), null, UpstreamAuthOptions.DEFAULTS);
        assertEquals(Transcripts.MD5_FRONTEND.get(0), wire(login.respond(request(Transcripts.MD5_BACKEND.get(0)))));
        assertNull(login.respond(request(Transcripts.MD5_BACKEND.get(1))));
        assertTrue(login.isAuthenticated());
        assertEquals(AuthMethod.MD5, login.method());
    }

    @Test
    void cleartextLoginReproducesTheRecordedPsqlSession() {
        char[] password = "clearpass".toCharArray();
        UpstreamAuthenticator login =
                new UpstreamAuthenticator("clearuser", password, null, UpstreamAuthOptions.DEFAULTS);
        assertEquals(
                Transcripts.CLEARTEXT_FRONTEND.get(0),
                wire(login.respond(request(Transcripts.CLEARTEXT_BACKEND.get(0)))));
        assertNull(login.respond(request(Transcripts.CLEARTEXT_BACKEND.get(1))));
        assertTrue(login.isAuthenticated());
        assertArrayEquals("clearpass".toCharArray(), password, "the caller's copy is untouched");
        assertFalse(login.toString().contains("clearpass"));
    }

    @Test
    void trustIsAcceptedOnlyWhenAllowed() {
        UpstreamAuthenticator trusting =
                new UpstreamAuthenticator("u", "p".toCharArray(), null, UpstreamAuthOptions.DEFAULTS);
        assertNull(trusting.respond(AuthenticationOk.INSTANCE));
        assertEquals(AuthMethod.NONE, trusting.method());

        UpstreamAuthenticator strict = new UpstreamAuthenticator(
                "u",
                "p".toCharArray(),
                null,
                UpstreamAuthOptions.DEFAULTS.withAllowedMethods(EnumSet.of(AuthMethod.SCRAM_SHA_256)));
        AuthenticationFailedException e =
                assertThrows(AuthenticationFailedException.class, () -> strict.respond(AuthenticationOk.INSTANCE));
        assertTrue(e.getMessage().contains("does not allow"), e.getMessage());
        assertEquals(AuthMethod.NONE, e.refusedMethod());
    }

    @Test
    void methodsOutsideTheAllowedSetAreRefused() {
        UpstreamAuthOptions scramOnly =
                UpstreamAuthOptions.DEFAULTS.withAllowedMethods(EnumSet.of(AuthMethod.SCRAM_SHA_256));
        for (Authentication weak :
                List.of(AuthenticationCleartextPassword.INSTANCE, new AuthenticationMD5Password(new byte[4]))) {
            UpstreamAuthenticator login = new UpstreamAuthenticator("u", "p".toCharArray(), null, scramOnly);
            AuthenticationFailedException e =
                    assertThrows(AuthenticationFailedException.class, () -> login.respond(weak));
            assertEquals(SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION, e.sqlState());
            assertEquals(
                    weak instanceof AuthenticationMD5Password ? AuthMethod.MD5 : AuthMethod.PASSWORD,
                    e.refusedMethod(),
                    "the caller learns which method was asked for");
            assertThrows(
                    IllegalStateException.class,
                    () -> login.respond(AuthenticationOk.INSTANCE),
                    "a failed login stays failed");
        }
    }

    @Test
    void requiredChannelBindingRefusesEveryOtherOutcome() {
        UpstreamAuthOptions require = UpstreamAuthOptions.DEFAULTS.withChannelBinding(ChannelBindingMode.REQUIRE);
        ChannelBinding binding = ChannelBinding.tlsServerEndPoint(Certificates.parse(Certificates.P256_SHA256));
        for (Authentication downgrade : List.of(
                AuthenticationCleartextPassword.INSTANCE,
                new AuthenticationMD5Password(new byte[4]),
                AuthenticationOk.INSTANCE,
                new AuthenticationSASL(List.of("SCRAM-SHA-256")))) {
            UpstreamAuthenticator login = new UpstreamAuthenticator("u", "p".toCharArray(), binding, require);
            AuthenticationFailedException e = assertThrows(
                    AuthenticationFailedException.class, () -> login.respond(downgrade), downgrade.toString());
            assertTrue(e.getMessage().startsWith("channel binding is required"), e.getMessage());
        }
        UpstreamAuthenticator plus = new UpstreamAuthenticator("u", "p".toCharArray(), binding, require);
        plus.respond(new AuthenticationSASL(List.of("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256")));
        assertTrue(plus.channelBound());
        assertEquals("SCRAM-SHA-256-PLUS", plus.scramMechanism());
    }

    @Test
    void authenticationOkBeforeTheServerProvedItselfIsRefused() {
        UpstreamAuthenticator login = new UpstreamAuthenticator(
                "alice", "pencil".toCharArray(), null, UpstreamAuthOptions.DEFAULTS, () -> "nonce");
        login.respond(new AuthenticationSASL(List.of("SCRAM-SHA-256")));
        login.respond(new AuthenticationSASLContinue(
                "r=nonceXYZ,s=QSXCR+Q6sek8bf92,i=4096".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        AuthenticationFailedException e =
                assertThrows(AuthenticationFailedException.class, () -> login.respond(AuthenticationOk.INSTANCE));
        assertTrue(e.getMessage().contains("before completing the SCRAM exchange"), e.getMessage());
    }

    @Test
    void outOfOrderMessagesAreProtocolViolations() {
        UpstreamAuthenticator login =
                new UpstreamAuthenticator("u", "p".toCharArray(), null, UpstreamAuthOptions.DEFAULTS);
        assertThrows(ProtocolException.class, () -> login.respond(new AuthenticationSASLContinue(new byte[] {'r'})));
        UpstreamAuthenticator twice =
                new UpstreamAuthenticator("u", "p".toCharArray(), null, UpstreamAuthOptions.DEFAULTS);
        twice.respond(AuthenticationCleartextPassword.INSTANCE);
        assertThrows(ProtocolException.class, () -> twice.respond(new AuthenticationMD5Password(new byte[4])));
    }

    @Test
    void unsupportedMethodsAreNamed() {
        UpstreamAuthenticator login =
                new UpstreamAuthenticator("u", "p".toCharArray(), null, UpstreamAuthOptions.DEFAULTS);
        AuthenticationFailedException e = assertThrows(
                AuthenticationFailedException.class,
                () -> login.respond(new AuthenticationUnsupported(7, new byte[0])));
        assertEquals(SqlState.FEATURE_NOT_SUPPORTED, e.sqlState());
        assertTrue(e.getMessage().contains("AuthenticationGSS"), e.getMessage());
    }

    @Test
    void optionsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> UpstreamAuthOptions.DEFAULTS.withMaxScramIterations(0));
        assertEquals(100_000, UpstreamAuthOptions.DEFAULTS.maxScramIterations());
        assertEquals(ChannelBindingMode.PREFER, UpstreamAuthOptions.DEFAULTS.channelBinding());
    }
}
