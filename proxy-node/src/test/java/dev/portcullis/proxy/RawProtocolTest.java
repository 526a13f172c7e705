package dev.portcullis.proxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.pgwire.message.backend.DataRow;
import dev.portcullis.pgwire.message.frontend.Query;
import io.netty.buffer.Unpooled;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The startup phase with hand-written bytes, as a hostile or broken client would send them:
 * every case ends in a FATAL ErrorResponse with the right SQLSTATE, never a silent close.
 */
@QuarkusTest
@QuarkusTestResource(ProxyEnvironment.class)
class RawProtocolTest {
    private static final int SSL_REQUEST = 80877103;
    private static final int GSSENC_REQUEST = 80877104;

    @BeforeAll
    static void listening() {
        Clients.awaitListening("svc-scram");
        NettyLeaks.watch();
    }

    @AfterAll
    static void noBufferLeaked() {
        NettyLeaks.assertNoneReported();
    }

    @Test
    void plaintextBufferedAfterSslRequestIsAProtocolViolation() throws IOException {
        try (Socket s = connect()) {
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.write(code(SSL_REQUEST));
            both.write(startup("alice"));
            s.getOutputStream().write(both.toByteArray()); // one write: CVE-2021-23214's injection
            assertEquals("08P01", errorCode(new DataInputStream(s.getInputStream())));
        }
    }

    @Test
    void secondSslRequestInsideTlsIsRefused() throws Exception {
        try (Socket s = connect()) {
            SSLSocket tls = overTls(s);
            tls.startHandshake();
            tls.getOutputStream().write(code(SSL_REQUEST));
            assertEquals("08P01", errorCode(new DataInputStream(tls.getInputStream())));
        }
    }

    @Test
    void gssEncryptionIsDeclinedThenPlaintextTokensAreRefused() throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write(code(GSSENC_REQUEST));
            assertEquals('N', s.getInputStream().read());
            s.getOutputStream().write(startup("alice"));
            assertEquals("28000", errorCode(new DataInputStream(s.getInputStream())));
        }
    }

    @Test
    void oversizePasswordMessageBeforeAuthenticationIsRefused() throws Exception {
        try (Socket s = connect()) {
            SSLSocket tls = overTls(s);
            DataInputStream in = passwordRequested(tls, "alice");
            DataOutputStream out = new DataOutputStream(tls.getOutputStream());
            out.writeByte('p');
            out.writeInt(1_000_000); // a 1 MB "password" before authentication
            out.flush();
            assertEquals("08P01", errorCode(in));
        }
    }

    @Test
    void silentClientIsCutAtTheStartupTimeout() throws IOException {
        try (Socket s = connect()) {
            s.setSoTimeout(10_000);
            long started = System.nanoTime();
            assertEquals("08P01", errorCode(new DataInputStream(s.getInputStream())));
            long waited = (System.nanoTime() - started) / 1_000_000;
            assertTrue(waited >= 1_500 && waited < 8_000, "cut after " + waited + " ms (timeout 2 s in tests)");
        }
    }

    @Test
    void silenceAfterThePasswordRequestIsCutAtTheAuthenticationTimeout() throws Exception {
        try (Socket s = connect()) {
            SSLSocket tls = overTls(s);
            DataInputStream in = passwordRequested(tls, "alice");
            long asked = System.nanoTime();
            String[] error = errorFields(in, false); // and no password ever comes
            long waited = (System.nanoTime() - asked) / 1_000_000;
            assertEquals("08P01", error[0]);
            assertEquals("connection setup timed out: no password (access token) within 3 s", error[1]);
            assertTrue(
                    waited >= 2_500 && waited < 6_000,
                    "cut after " + waited + " ms (authentication timeout 3 s in tests)");
            assertEquals(-1, in.read(), "closed after the ErrorResponse");
        }
    }

    @Test
    void cancelRequestInsideTlsAfterAnSslRequestCancelsTheQuery() throws Exception {
        String sql = "select pg_sleep(20) /* cancel after SSLRequest */";
        String sleeping = "select count(*) from pg_stat_activity where query = '" + sql + "' and state = 'active'";
        try (WireSession session = WireSession.login("svc-scram", "alice")) {
            session.send(new Query(sql));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> ProxyEnvironment.tlsPg
                            .queryForString("app", sleeping)
                            .equals("1"));
            long sent = System.nanoTime();
            try (Socket s = connect()) {
                SSLSocket tls = overTls(s);
                DataOutputStream out = new DataOutputStream(tls.getOutputStream());
                out.writeInt(16);
                out.writeInt(80877102);
                out.writeInt(session.processId);
                out.writeInt(session.secretKey);
                out.flush();
                assertEquals(-1, tls.getInputStream().read(), "closed without a reply, as PostgreSQL does");
            }
            String error = session.nextError();
            long took = (System.nanoTime() - sent) / 1_000_000;
            assertTrue(error.startsWith("57014: canceling statement due to user request"), error);
            assertTrue(took < 3_000, "canceled after " + took + " ms");
            assertEquals("Z", tags(session.untilReady()), "then ReadyForQuery, and the session goes on");
        }
    }

    @Test
    void backendKeyDataIsMintedByTheProxyNotTheUpstreams() throws Exception {
        try (WireSession session = WireSession.login("svc-scram", "alice")) {
            List<WireSession.Message> pid = session.query("select pg_backend_pid()");
            assertEquals("TDCZ", tags(pid));
            int upstreamPid = Integer.parseInt(new String(
                    DataRow.decode(Unpooled.wrappedBuffer(pid.get(1).body()))
                            .values()
                            .get(0),
                    StandardCharsets.UTF_8));
            assertNotEquals(upstreamPid, session.processId, "the client was given the upstream's own process id");
            assertEquals(0, session.processId >>> 24, "the top byte names the owning node (0 in tests)");
        }
    }

    @Test
    void unknownCancelKeyGetsNoAnswer() throws IOException {
        try (Socket s = connect()) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(16);
            out.writeInt(80877102);
            out.writeInt(12345);
            out.writeInt(67890);
            out.flush();
            s.setSoTimeout(5_000);
            assertEquals(-1, s.getInputStream().read(), "closed without a reply, as PostgreSQL does");
        }
    }

    @Test
    void startupTrickledAByteASecondIsCutAtTheStartupTimeout() throws IOException {
        byte[] startup = startup("alice");
        try (Socket s = connect()) {
            long started = System.nanoTime();
            InputStream in = s.getInputStream();
            int sent = 0;
            int first = -1;
            // one byte a second, offset by half a second so that no write races the 2 s deadline;
            // the read timeout is the pace, and the proxy's answer ends the wait at once
            s.setSoTimeout(500);
            while (sent < startup.length) {
                try {
                    first = in.read();
                    break;
                } catch (SocketTimeoutException slow) {
                    s.getOutputStream().write(startup[sent++]);
                    s.setSoTimeout(1_000);
                }
            }
            long cutAfter = (System.nanoTime() - started) / 1_000_000;
            System.out.printf(
                    "slow startup: cut after %d ms, %d of %d bytes sent at one a second%n",
                    cutAfter, sent, startup.length);
            assertEquals('E', first, "expected an ErrorResponse when the startup timeout struck");
            DataInputStream data = new DataInputStream(in);
            String[] error = errorFields(data, true);
            assertEquals("08P01", error[0]);
            assertTrue(error[1].contains("timed out"), error[1]);
            assertTrue(
                    cutAfter >= 1_900 && cutAfter < 3_500,
                    "cut after " + cutAfter + " ms (startup timeout 2 s in tests)");
            assertTrue(sent < startup.length, "the whole startup got through before the timeout");
            s.setSoTimeout(5_000);
            assertEquals(-1, in.read(), "closed after the ErrorResponse");
        }
    }

    @Test
    void stalledTlsHandshakeIsCutAtTheStartupTimeout() throws IOException {
        try (Socket s = connect()) {
            long started = System.nanoTime();
            s.getOutputStream().write(code(SSL_REQUEST));
            assertEquals('S', s.getInputStream().read());
            // the header of a 512-byte TLS handshake record, and then nothing
            s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00});
            assertEquals(-1, s.getInputStream().read(), "no ErrorResponse can cross an unfinished handshake: a close");
            long cutAfter = (System.nanoTime() - started) / 1_000_000;
            assertTrue(
                    cutAfter >= 1_900 && cutAfter < 3_500,
                    "cut after " + cutAfter + " ms (startup timeout 2 s in tests)");
        }
    }

    @Test
    void oversizedStartupPacketIsRefusedBeforeItsBodyArrives() throws IOException {
        for (int length : new int[] {10_001, Integer.MAX_VALUE}) {
            try (Socket s = connect()) {
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                out.writeInt(length); // PostgreSQL's cap, and the proxy's, is 10000 bytes
                out.writeInt(3 << 16);
                out.flush(); // and nothing more: the refusal must not wait for the announced body
                DataInputStream in = new DataInputStream(s.getInputStream());
                String[] error = errorFields(in, false);
                assertEquals("08P01", error[0]);
                assertTrue(error[1].contains("exceeds the limit of 10000 bytes"), error[1]);
                assertEquals(-1, in.read(), "closed after the ErrorResponse");
            }
        }
    }

    @Test
    void messageOverTheLimitAfterAuthenticationIsRefusedAndTheUpstreamReleased() throws Exception {
        String backends = "select count(*) from pg_stat_activity where usename = 'app_scram'"
                + " and backend_type = 'client backend'";
        String before = ProxyEnvironment.tlsPg.queryForString("app", backends);
        try (SSLSocket tls = authenticated("alice")) {
            DataInputStream in = new DataInputStream(tls.getInputStream());
            DataOutputStream out = new DataOutputStream(tls.getOutputStream());
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !ProxyEnvironment.tlsPg
                            .queryForString("app", backends)
                            .equals(before));

            // over the stream threshold (64 KiB) but under the limit: streamed through, as designed
            byte[] query = ("select length('" + "x".repeat(200_000) + "')").getBytes(StandardCharsets.UTF_8);
            out.writeByte('Q');
            out.writeInt(4 + query.length + 1);
            out.write(query);
            out.writeByte(0);
            out.flush();
            assertEquals("200000", singleValue(in));

            // one byte over portcullis.limits.message-bytes (1 GiB): refused on its header alone
            out.writeByte('Q');
            out.writeInt((1 << 30) + 1);
            out.flush();
            String[] error = errorFields(in, false);
            assertEquals("08P01", error[0]);
            assertTrue(error[1].contains("exceeds the limit of 1073741824 bytes"), error[1]);
            assertEquals(-1, in.read(), "closed after the ErrorResponse");
        }
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertEquals(
                        before,
                        ProxyEnvironment.tlsPg.queryForString("app", backends),
                        "the upstream backend of the refused session is gone"));
    }

    private static String tags(List<WireSession.Message> messages) {
        StringBuilder b = new StringBuilder();
        messages.forEach(m -> b.append(m.tag()));
        return b.toString();
    }

    private static Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", ProxyEnvironment.PORTS.get("svc-scram"));
        s.setSoTimeout(10_000);
        return s;
    }

    private static byte[] code(int code) {
        return new byte[] {0, 0, 0, 8, (byte) (code >>> 24), (byte) (code >>> 16), (byte) (code >>> 8), (byte) code};
    }

    private static byte[] startup(String user) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(body);
        d.writeInt(3 << 16);
        for (String s : new String[] {"user", user, "database", "app"}) {
            d.write(s.getBytes(StandardCharsets.UTF_8));
            d.writeByte(0);
        }
        d.writeByte(0);
        ByteArrayOutputStream msg = new ByteArrayOutputStream();
        new DataOutputStream(msg).writeInt(body.size() + 4);
        msg.write(body.toByteArray());
        return msg.toByteArray();
    }

    /** SSLRequest, 'S', then the TLS client on the same socket. */
    private static SSLSocket overTls(Socket s) throws Exception {
        s.getOutputStream().write(code(SSL_REQUEST));
        assertEquals('S', s.getInputStream().read());
        return (SSLSocket) RawClient.trustAll().getSocketFactory().createSocket(s, "127.0.0.1", s.getPort(), true);
    }

    /** Sends {@code user}'s StartupMessage and reads the proxy's AuthenticationCleartextPassword. */
    private static DataInputStream passwordRequested(SSLSocket tls, String user) throws IOException {
        tls.getOutputStream().write(startup(user));
        DataInputStream in = new DataInputStream(tls.getInputStream());
        assertEquals('R', in.readByte());
        in.readInt();
        assertEquals(3, in.readInt(), "AuthenticationCleartextPassword");
        return in;
    }

    /** A session logged in over TLS with {@code user}'s access token, read up to its first ReadyForQuery. */
    private static SSLSocket authenticated(String user) throws Exception {
        Socket s = connect();
        SSLSocket tls = overTls(s);
        tls.getOutputStream().write(startup(user));
        DataInputStream in = new DataInputStream(tls.getInputStream());
        DataOutputStream out = new DataOutputStream(tls.getOutputStream());
        while (true) {
            byte tag = in.readByte();
            byte[] body = new byte[in.readInt() - 4];
            in.readFully(body);
            if (tag == 'R' && body[3] == 3) {
                byte[] token = Clients.token(user).getBytes(StandardCharsets.UTF_8);
                out.writeByte('p');
                out.writeInt(4 + token.length + 1);
                out.write(token);
                out.writeByte(0);
                out.flush();
            } else if (tag == 'E') {
                throw new AssertionError("login refused: " + new String(body, StandardCharsets.UTF_8));
            } else if (tag == 'Z') {
                return tls;
            }
        }
    }

    /** The value of a one-row, one-column result, read up to ReadyForQuery. */
    private static String singleValue(DataInputStream in) throws IOException {
        String value = null;
        while (true) {
            byte tag = in.readByte();
            byte[] body = new byte[in.readInt() - 4];
            in.readFully(body);
            if (tag == 'E') {
                throw new AssertionError("query failed: " + new String(body, StandardCharsets.UTF_8));
            } else if (tag == 'D') {
                int length = (body[2] & 0xff) << 24 | (body[3] & 0xff) << 16 | (body[4] & 0xff) << 8 | body[5] & 0xff;
                value = new String(body, 6, length, StandardCharsets.UTF_8);
            } else if (tag == 'Z') {
                return value;
            }
        }
    }

    /** Reads one ErrorResponse and returns its SQLSTATE (field 'C'). */
    private static String errorCode(DataInputStream in) throws IOException {
        return errorFields(in, false)[0];
    }

    /**
     * Reads one ErrorResponse, its tag already read if {@code tagRead}: the SQLSTATE (field 'C')
     * and the message (field 'M').
     */
    private static String[] errorFields(DataInputStream in, boolean tagRead) throws IOException {
        if (!tagRead) {
            byte tag;
            try {
                tag = in.readByte();
            } catch (EOFException e) {
                throw new AssertionError("the connection was closed without an ErrorResponse");
            }
            assertEquals('E', tag, "expected an ErrorResponse");
        }
        byte[] body = new byte[in.readInt() - 4];
        in.readFully(body);
        String code = null;
        String message = "";
        for (String f : new String(body, StandardCharsets.UTF_8).split("\0")) {
            if (f.startsWith("C")) {
                code = f.substring(1);
            } else if (f.startsWith("M")) {
                message = f.substring(1);
            }
        }
        if (code == null) {
            throw new AssertionError("no SQLSTATE in the ErrorResponse");
        }
        return new String[] {code, message};
    }
}
