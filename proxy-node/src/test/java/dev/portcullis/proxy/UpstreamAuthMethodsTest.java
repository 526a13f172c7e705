package dev.portcullis.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code requireAuth}, and the default that keeps a downgraded link from harvesting the Secret's
 * password: against real PostgreSQL roles of each method, and a hostile upstream that declines TLS
 * and asks for the password in clear or as an MD5 hash (asserting that no password message ever
 * reaches it).
 */
@QuarkusTest
@QuarkusTestResource(ProxyEnvironment.class)
class UpstreamAuthMethodsTest {
    private static final String WHO = "select current_user";

    @BeforeAll
    static void services() {
        String tls = "postgres://127.0.0.1:" + ProxyEnvironment.tlsPg.port();
        service("svc-ra-clear-plain", tls, "app_clear", "clear-pw", "DISABLE", "");
        service("svc-ra-clear-plain-listed", tls, "app_clear", "clear-pw", "DISABLE", "[password]");
        service("svc-ra-md5-scram-only", tls, "app_md5", "md5-pw", "DISABLE", "[scram-sha-256]");
        service("svc-ra-scram-md5-only", tls, "app_scram", "scram-pw", "REQUIRE", "[md5]");
        service("svc-ra-scram-listed", tls, "app_scram", "scram-pw", "REQUIRE", "[scram-sha-256, none]");
    }

    private static void service(
            String name, String url, String user, String secret, String sslMode, String requireAuth) {
        ProxyEnvironment.service(
                name,
                url,
                user,
                secret,
                sslMode,
                "",
                "PREFER",
                requireAuth.isEmpty() ? "" : "requireAuth: " + requireAuth,
                "");
        Clients.awaitListening(name);
    }

    @Test
    void eachMethodWorksWhereItIsSafeOrListed() throws Exception {
        assertEquals("app_clear", who("svc-clear"), "cleartext over TLS (sslMode REQUIRE)");
        assertEquals("app_md5", who("svc-md5"), "MD5 where the Service chose plaintext (sslMode DISABLE)");
        assertEquals("app_clear", who("svc-ra-clear-plain-listed"), "cleartext unencrypted once requireAuth lists it");
        assertEquals("app_scram", who("svc-ra-scram-listed"));
        assertEquals("app_scram", who("svc-plain-prefer"), "SCRAM never reveals the password, so PREFER may fall back");
    }

    @Test
    void aCleartextPasswordNeverCrossesAnUnencryptedLinkByDefault() throws Exception {
        String refusal = refusal("svc-ra-clear-plain");
        assertTrue(
                refusal.startsWith("08001: cannot connect to the upstream of Service svc-ra-clear-plain: the upstream"
                        + " asked for a cleartext password (password) over an unencrypted connection (sslMode DISABLE);"
                        + " Portcullis never sends a cleartext password there"),
                refusal);
        assertTrue(refusal.contains("list password in the Service's requireAuth"), refusal);
    }

    @Test
    void requireAuthRefusesEveryOtherMethodNamingIt() throws Exception {
        String md5 = refusal("svc-ra-md5-scram-only");
        assertTrue(
                md5.startsWith(
                        "08001: cannot connect to the upstream of Service svc-ra-md5-scram-only: the upstream"
                                + " asked for an MD5 password hash (md5), which the Service's requireAuth [scram-sha-256] does not allow"),
                md5);
        String scram = refusal("svc-ra-scram-md5-only");
        assertTrue(
                scram.startsWith("08001: cannot connect to the upstream of Service svc-ra-scram-md5-only: the"
                        + " upstream asked for SCRAM-SHA-256 (scram-sha-256), which the Service's requireAuth [md5] does not"
                        + " allow"),
                scram);
    }

    @Test
    void aHostileUpstreamThatDeclinesTlsGetsNoPassword() throws Exception {
        for (int request : new int[] {3, 5}) { // AuthenticationCleartextPassword, AuthenticationMD5Password
            try (ServerSocket fake = new ServerSocket(0)) {
                String name = "svc-ra-hostile-" + request;
                service(name, "postgres://127.0.0.1:" + fake.getLocalPort(), "app_scram", "scram-pw", "PREFER", "");
                CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> hostile(fake, request));
                String refusal = refusal(name);
                String heard = seen.get(30, TimeUnit.SECONDS);
                assertEquals("startup, then nothing", heard, "the proxy must not answer the password request");
                String method = request == 3 ? "a cleartext password (password)" : "an MD5 password hash (md5)";
                assertTrue(
                        refusal.startsWith("08001: cannot connect to the upstream of Service " + name + ": the"
                                + " upstream asked for " + method
                                + " over an unencrypted connection: it declined TLS under"
                                + " sslMode PREFER"),
                        refusal);
                assertTrue(refusal.contains("Use sslMode REQUIRE"), refusal);
            }
        }
    }

    /**
     * Plays a man in the middle: 'N' to the SSLRequest, then asks for the password. Returns what
     * the proxy sent after its StartupMessage.
     */
    private static String hostile(ServerSocket fake, int request) {
        try (Socket s = fake.accept()) {
            s.setSoTimeout(10_000);
            DataInputStream in = new DataInputStream(s.getInputStream());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            byte[] sslRequest = new byte[8];
            in.readFully(sslRequest);
            out.write('N');
            out.flush();
            byte[] startup = new byte[in.readInt() - 4];
            in.readFully(startup);
            ByteArrayOutputStream auth = new ByteArrayOutputStream();
            DataOutputStream a = new DataOutputStream(auth);
            a.writeByte('R');
            a.writeInt(request == 5 ? 12 : 8);
            a.writeInt(request);
            if (request == 5) {
                a.write(new byte[] {1, 2, 3, 4}); // salt
            }
            out.write(auth.toByteArray());
            out.flush();
            try {
                int tag = in.read();
                return tag < 0 ? "startup, then nothing" : "startup, then a message tagged '" + (char) tag + "'";
            } catch (SocketTimeoutException e) {
                return "startup, then silence (the proxy neither answered nor closed)";
            } catch (IOException e) {
                return "startup, then nothing"; // reset by the proxy's close: no message arrived
            }
        } catch (EOFException e) {
            return "closed before the startup";
        } catch (IOException e) {
            return "failed before the password request: " + e;
        }
    }

    private static String who(String service) throws Exception {
        try (RawClient c = RawClient.connect(
                ProxyEnvironment.PORTS.get(service), Map.of("user", "alice"), Clients.token("alice"))) {
            assertNull(c.refusal, service + ": " + c.refusal);
            return c.query(WHO).single();
        }
    }

    private static String refusal(String service) throws Exception {
        try (RawClient c = RawClient.connect(
                ProxyEnvironment.PORTS.get(service), Map.of("user", "alice"), Clients.token("alice"))) {
            assertTrue(c.refusal != null, service + " logged in: the method should have been refused");
            return c.refusal;
        }
    }
}
