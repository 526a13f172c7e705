package dev.portcullis.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A proxy node stopped (SIGTERM, as Kubernetes does on a rollout) drains: it stops accepting, a
 * session running a statement gets its result and then FATAL 57P01, an idle one gets 57P01 at once,
 * and the node exits before the grace period.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DrainTest {
    private Cluster cluster;

    @BeforeAll
    void start() {
        cluster = new Cluster(false);
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private Connection direct() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "alice");
        p.setProperty("password", cluster.token);
        p.setProperty("sslmode", "require");
        // node 1 listens on the Service's own port; from 127.0.0.1, not the balancer, no PROXY header is due
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + cluster.servicePort + "/app", p);
    }

    @Test
    void aStoppedNodeLetsRunningStatementsFinishThenSays57P01() throws Exception {
        Connection idle = direct();
        Connection busy = direct();
        assertEquals(1, single(idle, "select 1"));
        CompletableFuture<Integer> result = CompletableFuture.supplyAsync(() -> {
            try {
                return single(busy, "select 7 from pg_sleep(3)");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> "1"
                                .equals(
                                        cluster.upstream.queryForString(
                                                "app",
                                                "select count(*) from pg_stat_activity where query like 'select 7 from pg_sleep%' and state = 'active'")));
        long began = System.nanoTime();
        CompletableFuture<Void> stopped =
                CompletableFuture.runAsync(() -> cluster.nodes.get(0).stop());

        SQLException idleEnded = awaitEnded(idle);
        assertEquals("57P01", idleEnded.getSQLState(), idleEnded.getMessage());
        assertEquals(7, result.get(15, TimeUnit.SECONDS), "the running statement finished");
        SQLException busyEnded = assertThrows(SQLException.class, () -> single(busy, "select 1"));
        assertEquals("57P01", busyEnded.getSQLState(), busyEnded.getMessage());
        assertTrue(
                busyEnded.getMessage().contains("the Portcullis proxy node is shutting down"), busyEnded.getMessage());

        stopped.get(15, TimeUnit.SECONDS);
        long millis = (System.nanoTime() - began) / 1_000_000;
        assertTrue(millis < 9_000, "the node exited after " + millis + " ms, before its 10 s kill");
        assertTrue(cluster.nodes.get(0).log().contains("draining 2 sessions"), "the drain is logged");
        System.out.printf("drain: node exited %d ms after SIGTERM, the running statement finished first%n", millis);
    }

    /** Queries until the session's end shows: an idle session's FATAL is read at its next statement. */
    private static SQLException awaitEnded(Connection c) {
        SQLException[] ended = new SQLException[1];
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    try {
                        single(c, "select 1");
                        return false;
                    } catch (SQLException e) {
                        ended[0] = e;
                        return true;
                    }
                });
        return ended[0];
    }

    private static int single(Connection c, String sql) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
