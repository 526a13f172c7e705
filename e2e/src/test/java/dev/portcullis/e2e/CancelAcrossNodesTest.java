package dev.portcullis.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Cancel behind a load balancer: the session lives on one node, its CancelRequest is a new
 * connection that round-robin sends to the other half the time; it must work every time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CancelAcrossNodesTest {
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

    @Test
    void psqlCtrlCCancelsEveryTime() throws Exception {
        for (int i = 0; i < 6; i++) {
            ProcessBuilder pb = new ProcessBuilder(
                    cluster.upstream.clientBinary("psql").toString(),
                    "-X",
                    "-d",
                    "host=127.0.0.1 port=" + cluster.balancer.port() + " user=alice dbname=app sslmode=require",
                    "-c",
                    "select pg_sleep(30)");
            pb.environment().put("PGPASSWORD", cluster.token);
            java.nio.file.Path stderr = java.nio.file.Files.createTempFile("psql", ".err");
            pb.redirectError(stderr.toFile());
            Process psql = pb.start();
            try {
                awaitSleeping();
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                psql.destroy();
                // what psql and the nodes said, for a failure that is not reproduced at will
                throw new AssertionError(
                        "attempt " + i + ": the sleep never ran; psql said: "
                                + java.nio.file.Files.readString(stderr) + "\nnode 1: "
                                + cluster.nodes.get(0).log()
                                + "\nnode 2: " + cluster.nodes.get(1).log(),
                        e);
            }
            long sent = System.nanoTime();
            new ProcessBuilder("kill", "-INT", Long.toString(psql.pid()))
                    .start()
                    .waitFor();
            assertTrue(psql.waitFor(5, TimeUnit.SECONDS), "psql still running after its cancel");
            long millis = (System.nanoTime() - sent) / 1_000_000;
            String err = java.nio.file.Files.readString(stderr);
            assertTrue(err.contains("canceling statement due to user request"), "attempt " + i + ": " + err);
            assertTrue(millis < 1_000, "attempt " + i + " took " + millis + " ms");
            System.out.printf(
                    "psql cancel %d: query ended %d ms after Ctrl-C; psql said: %s%n", i, millis, err.strip());
        }
        // each attempt makes two connections through round-robin: the cancel always lands on
        // the other node, so every one of them was forwarded between nodes
        assertTrue(forwardedBetweenNodes() >= 6, "cancels forwarded to the owning node: " + forwardedBetweenNodes());
    }

    private double forwardedBetweenNodes() throws Exception {
        double total = 0;
        for (var node : cluster.nodes) {
            var r = java.net.http.HttpClient.newHttpClient()
                    .send(
                            java.net.http.HttpRequest.newBuilder(java.net.URI.create(node.baseUrl() + "/q/metrics"))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
            for (String line : r.body().split("\n")) {
                if (line.startsWith("portcullis_proxy_cancels_total") && line.contains("outcome=\"to_peer\"")) {
                    total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        return total;
    }

    @Test
    void jdbcStatementCancelEveryTime() throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "alice");
        p.setProperty("password", cluster.token);
        p.setProperty("sslmode", "require");
        String url = "jdbc:postgresql://127.0.0.1:" + cluster.balancer.port() + "/app";
        for (int i = 0; i < 4; i++) {
            try (Connection c = DriverManager.getConnection(url, p);
                    Statement s = c.createStatement()) {
                CompletableFuture<SQLException> running = CompletableFuture.supplyAsync(() -> {
                    try {
                        s.execute("select pg_sleep(30)");
                        return null;
                    } catch (SQLException e) {
                        return e;
                    }
                });
                awaitSleeping();
                long sent = System.nanoTime();
                s.cancel();
                SQLException e = running.get(5, TimeUnit.SECONDS);
                long millis = (System.nanoTime() - sent) / 1_000_000;
                assertEquals("57014", e == null ? null : e.getSQLState(), "attempt " + i);
                assertTrue(millis < 1_000, "attempt " + i + " took " + millis + " ms");
            }
        }
    }

    /** Until the upstream runs the sleep: the cancel must find a query to cancel. */
    private void awaitSleeping() {
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> Integer.parseInt(cluster.upstream.queryForString(
                                "postgres",
                                "select count(*) from pg_stat_activity"
                                        + " where state = 'active' and query = 'select pg_sleep(30)'"))
                        > 0);
    }
}
