package dev.portcullis.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.portcullis.pgwire.message.frontend.SSLRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;
import java.util.Properties;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL 17's direct TLS ({@code sslnegotiation=direct}): the client starts TLS without an
 * SSLRequest, and must negotiate ALPN {@code postgresql}. A real driver (pgjdbc) and hand-made TLS
 * clients on the wire; ALPN is offered on the SSLRequest path too.
 */
@QuarkusTest
@QuarkusTestResource(ProxyEnvironment.class)
class DirectTlsTest {
    @Inject
    MeterRegistry metrics;

    @BeforeAll
    static void listening() {
        Clients.awaitListening("svc-scram");
    }

    private static int port() {
        return ProxyEnvironment.PORTS.get("svc-scram");
    }

    private static Map<String, String> startup() {
        return Map.of("user", "alice", "database", "app");
    }

    @Test
    void pgjdbcConnectsWithDirectTls() throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "alice");
        p.setProperty("password", Clients.token("alice"));
        p.setProperty("sslmode", "require");
        p.setProperty("sslNegotiation", "direct");
        p.setProperty("connectTimeout", "10");
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port() + "/app", p);
                ResultSet rs = c.createStatement().executeQuery("select current_user")) {
            rs.next();
            assertEquals("app_scram", rs.getString(1));
        }
    }

    @Test
    void directTlsWithAlpnPostgresqlLogsIn() throws Exception {
        try (RawClient client = RawClient.connectDirect(port(), startup(), Clients.token("alice"), "postgresql")) {
            assertNull(client.refusal);
            assertEquals("postgresql", client.applicationProtocol());
            assertEquals("app_scram", client.query("select current_user").single());
        }
    }

    @Test
    void directTlsWithoutAlpnIsToldWhyOverTls() throws Exception {
        double before = refusedWithoutAlpn();
        try (SSLSocket tls = RawClient.directTls(port())) {
            String error = RawClient.unaskedError(tls);
            assertEquals(
                    "08P01: direct TLS connections must negotiate the ALPN protocol \"postgresql\"; this client"
                            + " offered none",
                    error);
            assertEquals(-1, tls.getInputStream().read(), "the connection is closed after the FATAL");
        }
        assertEquals(before + 1, refusedWithoutAlpn());
    }

    @Test
    void anotherAlpnProtocolIsRefusedInTheHandshake() throws Exception {
        assertThrows(
                SSLHandshakeException.class,
                () -> RawClient.directTls(port(), "http/1.1").close());
        try (Socket plain = sslAccepted()) {
            SSLSocket tls = overTls(plain, "h2", "http/1.1");
            assertThrows(SSLHandshakeException.class, tls::startHandshake);
        }
    }

    @Test
    void alpnIsOfferedAfterAnSslRequestAndNotRequired() throws Exception {
        try (Socket plain = sslAccepted()) {
            SSLSocket tls = overTls(plain, "postgresql");
            tls.startHandshake();
            assertEquals("postgresql", tls.getApplicationProtocol());
        }
        try (Socket plain = sslAccepted()) {
            SSLSocket tls = overTls(plain);
            tls.startHandshake();
            assertEquals("", tls.getApplicationProtocol(), "a client without ALPN is served as before");
        }
        try (RawClient client = RawClient.connect(port(), startup(), Clients.token("alice"))) {
            assertNull(client.refusal);
            assertEquals("1", client.query("select 1").single());
        }
    }

    /** A plain connection whose SSLRequest was answered 'S'. */
    private static Socket sslAccepted() throws Exception {
        Socket plain = new Socket("127.0.0.1", port());
        plain.setSoTimeout(15_000);
        io.netty.buffer.ByteBuf b = io.netty.buffer.Unpooled.buffer();
        SSLRequest.INSTANCE.encode(b);
        plain.getOutputStream().write(io.netty.buffer.ByteBufUtil.getBytes(b));
        assertEquals('S', plain.getInputStream().read());
        return plain;
    }

    private static SSLSocket overTls(Socket plain, String... alpn) throws Exception {
        SSLSocket tls =
                (SSLSocket) RawClient.trustAll().getSocketFactory().createSocket(plain, "127.0.0.1", port(), true);
        if (alpn.length > 0) {
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setApplicationProtocols(alpn);
            tls.setSSLParameters(parameters);
        }
        return tls;
    }

    private double refusedWithoutAlpn() {
        Counter c = metrics.find("portcullis.proxy.sessions.refused")
                .tag("reason", "direct_tls_without_alpn")
                .counter();
        return c == null ? 0 : c.count();
    }
}
