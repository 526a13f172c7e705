package dev.portcullis.proxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.pgwire.message.frontend.Query;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How a session ends when something other than the client's Terminate ends it: an upstream that
 * refuses the login keeps its own SQLSTATE (the client can tell "retry" from "misconfigured"), and a
 * client that vanishes mid-statement has the statement cancelled upstream, instead of the server
 * running it to its end for no one.
 */
@QuarkusTest
@QuarkusTestResource(ProxyEnvironment.class)
class SessionEndsTest {
    @BeforeAll
    static void services() {
        ProxyEnvironment.post("secrets", dev.portcullis.testkit.AdminApi.secret("wrong-pw", "not-the-password"));
        String tls = "postgres://127.0.0.1:" + ProxyEnvironment.tlsPg.port();
        ProxyEnvironment.service("svc-ends-wrong-pw", tls, "app_scram", "wrong-pw", "REQUIRE", "", "PREFER", "");
        Clients.awaitListening("svc-ends-wrong-pw");
        Clients.awaitListening("svc-scram");
    }

    @Test
    void theUpstreamsOwnSqlStateReachesTheClient() {
        SQLException refused = assertThrows(
                SQLException.class,
                () -> Clients.jdbc("svc-ends-wrong-pw", "alice").close());
        assertEquals("28P01", refused.getSQLState(), refused.getMessage());
        assertTrue(
                refused.getMessage()
                        .contains("cannot connect to the upstream of Service svc-ends-wrong-pw: the upstream"
                                + " refused the login: password authentication failed for user \"app_scram\""),
                refused.getMessage());
        assertTrue(!refused.getMessage().contains("not-the-password"), "the Secret is never shown");
    }

    @Test
    void aClientGoneMidStatementHasItCancelledUpstream() throws Exception {
        String marker = "portcullis_gone_" + System.nanoTime();
        RawClient client = RawClient.connect(
                ProxyEnvironment.PORTS.get("svc-scram"),
                Map.of("user", "alice", "database", "app"),
                Clients.token("alice"));
        client.send(new Query("select pg_sleep(60) as " + marker));
        String running = "select count(*) from pg_stat_activity where query like '%" + marker + "%'"
                + " and pid <> pg_backend_pid() and state = 'active'";
        await().atMost(Duration.ofSeconds(10))
                .until(() -> "1".equals(ProxyEnvironment.tlsPg.queryForString("app", running)));
        client.vanish();
        // cancelled at once; without the cancel it would run for the rest of its 60 s
        await().atMost(Duration.ofSeconds(10))
                .until(() -> "0".equals(ProxyEnvironment.tlsPg.queryForString("app", running)));
    }

    @Test
    void aStatementSentWithTerminateStillRuns() throws Exception {
        String table = "gone_" + System.nanoTime();
        ProxyEnvironment.tlsPg.executeSql(
                "app", "create table " + table + " (v int); grant all on " + table + " to app_scram");
        RawClient client = RawClient.connect(
                ProxyEnvironment.PORTS.get("svc-scram"),
                Map.of("user", "alice", "database", "app"),
                Clients.token("alice"));
        // nothing is written back before the commit: run direct, it commits although the client is gone
        client.send(
                new Query("insert into " + table + " select 1 from pg_sleep(1)"),
                dev.portcullis.pgwire.message.frontend.Terminate.INSTANCE);
        client.vanish();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> "1".equals(ProxyEnvironment.tlsPg.queryForString("app", "select count(*) from " + table)));
    }

    @Test
    void theUpstreamsOwnFatalIsTheOnlyOne() throws Exception {
        try (RawClient client = RawClient.connect(
                ProxyEnvironment.PORTS.get("svc-scram"),
                Map.of("user", "alice", "database", "app"),
                Clients.token("alice"))) {
            String pid = client.query("select pg_backend_pid()").single();
            assertEquals("t", ProxyEnvironment.tlsPg.queryForString("app", "select pg_terminate_backend(" + pid + ")"));
            List<String> rest = client.readToEnd();
            assertEquals(1, rest.size(), "one FATAL, the server's: " + rest);
            assertTrue(
                    rest.get(0).startsWith("E 57P01: terminating connection due to administrator command"),
                    rest.toString());
        }
    }

    @Test
    void aProtocolViolationMidResultIsAnsweredAtTheNextMessageBoundary() throws Exception {
        try (RawClient client = RawClient.connect(
                ProxyEnvironment.PORTS.get("svc-scram"),
                Map.of("user", "alice", "database", "app"),
                Clients.token("alice"))) {
            client.send(new Query("select repeat('x', 20000000)"));
            int[] header = client.readHeader();
            assertEquals('T', header[0]);
            client.skipBody(header);
            header = client.readHeader();
            assertEquals('D', header[0]); // a 20 MB DataRow is under way
            client.sendRaw(new byte[] {'Q', 0, 0, 0, 2}); // a length that cannot be
            client.skipBody(header); // the row arrives whole: no byte of anything else inside it
            List<String> rest = client.readToEnd();
            assertEquals(1, rest.size(), rest.toString());
            assertTrue(rest.get(0).startsWith("E 08P01: "), rest.toString());
        }
    }
}
