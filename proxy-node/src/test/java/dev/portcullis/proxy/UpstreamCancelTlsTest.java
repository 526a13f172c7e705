package dev.portcullis.proxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A cancel goes to the upstream encrypted when the session is, as libpq 17 sends it: SSLRequest,
 * TLS, then the CancelRequest inside, so the backend's key never crosses the network in clear.
 * A tap in front of the real server sees how each connection began; the server itself shows the
 * cancel arrived (the statement ends with 57014 at once, not after its 30 s).
 */
@QuarkusTest
@QuarkusTestResource(ProxyEnvironment.class)
class UpstreamCancelTlsTest {
    private static TcpTap tap;

    @BeforeAll
    static void services() throws Exception {
        tap = new TcpTap(ProxyEnvironment.tlsPg.port());
        ProxyEnvironment.service(
                "svc-cancel-tls",
                "postgres://127.0.0.1:" + tap.port(),
                "app_scram",
                "scram-pw",
                "REQUIRE",
                "",
                "PREFER",
                "");
        Clients.awaitListening("svc-cancel-tls");
    }

    @AfterAll
    static void stop() throws Exception {
        tap.close();
    }

    @Test
    void aCancelToATlsUpstreamIsSentOverTls() throws Exception {
        try (Connection c = Clients.jdbc("svc-cancel-tls", "alice");
                Statement s = c.createStatement()) {
            int before = tap.openings().size();
            CompletableFuture<SQLException> running = CompletableFuture.supplyAsync(
                    () -> assertThrows(SQLException.class, () -> s.execute("select pg_sleep(30)")));
            await().atMost(Duration.ofSeconds(10))
                    .until(
                            () -> "1"
                                    .equals(
                                            ProxyEnvironment.tlsPg.queryForString(
                                                    "app",
                                                    "select count(*) from pg_stat_activity where query = 'select pg_sleep(30)' and state = 'active'")));
            long sent = System.nanoTime();
            s.cancel();
            SQLException cancelled = running.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals("57014", cancelled.getSQLState(), cancelled.getMessage());
            long ms = (System.nanoTime() - sent) / 1_000_000;
            org.junit.jupiter.api.Assertions.assertTrue(ms < 5_000, "cancelled after " + ms + " ms");
            var cancels = tap.openings().subList(before, tap.openings().size());
            assertEquals(
                    java.util.List.of(TcpTap.SSL_REQUEST), cancels, "the cancel's connection began with an SSLRequest");
            org.junit.jupiter.api.Assertions.assertFalse(
                    tap.openings().contains(TcpTap.CANCEL_REQUEST), "no CancelRequest in clear: " + tap.openings());
        }
    }
}
