package dev.portcullis.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSocket;
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
            s.getOutputStream().write(code(SSL_REQUEST));
            assertEquals('S', s.getInputStream().read());
            SSLSocket tls = (SSLSocket) RawClient.trustAll().getSocketFactory()
                    .createSocket(s, "127.0.0.1", s.getPort(), true);
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
            s.getOutputStream().write(code(SSL_REQUEST));
            assertEquals('S', s.getInputStream().read());
            SSLSocket tls = (SSLSocket) RawClient.trustAll().getSocketFactory()
                    .createSocket(s, "127.0.0.1", s.getPort(), true);
            tls.getOutputStream().write(startup("alice"));
            DataInputStream in = new DataInputStream(tls.getInputStream());
            assertEquals('R', in.readByte());
            in.readInt();
            assertEquals(3, in.readInt(), "AuthenticationCleartextPassword");
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

    /** Reads one ErrorResponse and returns its SQLSTATE (field 'C'). */
    private static String errorCode(DataInputStream in) throws IOException {
        byte tag;
        try {
            tag = in.readByte();
        } catch (EOFException e) {
            throw new AssertionError("the connection was closed without an ErrorResponse");
        }
        assertEquals('E', tag, "expected an ErrorResponse");
        byte[] body = new byte[in.readInt() - 4];
        in.readFully(body);
        String[] fields = new String(body, StandardCharsets.UTF_8).split("\0");
        for (String f : fields) {
            if (f.startsWith("C")) {
                return f.substring(1);
            }
        }
        throw new AssertionError("no SQLSTATE in the ErrorResponse");
    }
}
