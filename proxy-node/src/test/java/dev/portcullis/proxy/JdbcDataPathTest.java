package dev.portcullis.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.PooledByteBufAllocator;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.copy.CopyManager;

/** The PostgreSQL JDBC driver through the proxy: the extended protocol, COPY, notifications, errors, big results. */
@QuarkusTest
@QuarkusTestResource(ProxyEnvironment.class)
class JdbcDataPathTest {

    @BeforeAll
    static void setup() {
        Clients.awaitListening("svc-scram");
        ProxyEnvironment.tlsPg.executeSql(
                "app",
                "create table if not exists jdbc_t(id int primary key, name text);"
                        + " grant all on jdbc_t to app_scram");
    }

    @Test
    void preparedStatementsWithParameters() throws SQLException {
        try (Connection c = Clients.jdbc("svc-scram", "alice");
                PreparedStatement ins = c.prepareStatement(
                        "insert into jdbc_t values (?, ?) on conflict (id) do update set name = excluded.name");
                PreparedStatement sel = c.prepareStatement("select name from jdbc_t where id = ?")) {
            for (int i = 0; i < 20; i++) { // past prepareThreshold: server-side named statements
                ins.setInt(1, i);
                ins.setString(2, "name-" + i);
                ins.executeUpdate();
                sel.setInt(1, i);
                try (ResultSet rs = sel.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals("name-" + i, rs.getString(1));
                }
            }
        }
    }

    @Test
    void errorInsideATransactionThenRecovery() throws SQLException {
        try (Connection c = Clients.jdbc("svc-scram", "alice");
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("insert into jdbc_t values (1000, 'in tx') on conflict do nothing");
            SQLException e = assertThrows(SQLException.class, () -> s.execute("select 1/0"));
            assertEquals("22012", e.getSQLState());
            SQLException aborted = assertThrows(SQLException.class, () -> s.execute("select 1"));
            assertEquals("25P02", aborted.getSQLState());
            c.rollback();
            try (ResultSet rs = s.executeQuery("select count(*) from jdbc_t where id = 1000")) {
                rs.next();
                assertEquals(0, rs.getInt(1), "the rollback undid the insert");
            }
        }
    }

    @Test
    void copyInAndOut() throws Exception {
        try (Connection c = Clients.jdbc("svc-scram", "alice");
                Statement s = c.createStatement()) {
            s.execute("create temp table copy_t(a int, b text)");
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            StringBuilder data = new StringBuilder();
            for (int i = 0; i < 50_000; i++) {
                data.append(i).append('\t').append("row-").append(i).append('\n');
            }
            long in = copy.copyIn("copy copy_t from stdin", new StringReader(data.toString()));
            assertEquals(50_000, in);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            long outRows = copy.copyOut("copy copy_t to stdout", out);
            assertEquals(50_000, outRows);
            assertEquals(data.toString(), out.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void listenNotify() throws Exception {
        try (Connection listener = Clients.jdbc("svc-scram", "alice");
                Connection notifier = Clients.jdbc("svc-scram", "bob")) {
            listener.createStatement().execute("listen portcullis_channel");
            notifier.createStatement().execute("notify portcullis_channel, 'hello through the proxy'");
            PGNotification[] got = listener.unwrap(PGConnection.class).getNotifications(5000);
            assertEquals(1, got.length);
            assertEquals("hello through the proxy", got[0].getParameter());
        }
    }

    @Test
    void functionCallAndSqlStatesOfRefusals() throws SQLException {
        try (Connection c = Clients.jdbc("svc-scram", "alice");
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("select lo_creat(-1)")) { // server-side large objects
                assertTrue(rs.next());
            }
        }
        assertEquals("28P01", sqlState("svc-scram", "no-such-token"));
        assertEquals("28000", sqlState("svc-scram", "eve"));
        assertEquals("08001", sqlState("svc-down", "alice"));
        SQLException plaintext = assertThrows(SQLException.class, () -> Clients.jdbc("svc-scram", "alice", "disable"));
        assertEquals("28000", plaintext.getSQLState());
    }

    /** 100 MB through the proxy: streamed, so the proxy's buffers stay small whatever the result size. */
    @Test
    void largeResultIsStreamedWithFlatProxyMemory() throws Exception {
        AtomicLong peak = new AtomicLong();
        // sample the proxy's pooled buffers every 5 ms while the result streams
        var sampler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(
                () -> peak.accumulateAndGet(
                        PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory()
                                + PooledByteBufAllocator.DEFAULT.metric().usedHeapMemory(),
                        Math::max),
                0,
                5,
                java.util.concurrent.TimeUnit.MILLISECONDS);
        long before = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory()
                + PooledByteBufAllocator.DEFAULT.metric().usedHeapMemory();
        long bytes = 0;
        long started = System.nanoTime();
        try (Connection c = Clients.jdbc("svc-scram", "alice")) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.setFetchSize(500); // a cursor: the client streams too
                try (ResultSet rs = s.executeQuery("select repeat('x', 1000) from generate_series(1, 100000)")) {
                    while (rs.next()) {
                        bytes += rs.getString(1).length();
                    }
                }
            }
        } finally {
            sampler.shutdownNow();
        }
        assertEquals(100_000_000L, bytes);
        long grew = peak.get() - before;
        System.out.printf(
                "100 MB result in %d ms; proxy pooled buffers grew by at most %d KiB%n",
                Duration.ofNanos(System.nanoTime() - started).toMillis(), grew / 1024);
        assertTrue(grew < 16 * 1024 * 1024, "proxy buffers grew by " + grew + " bytes for a 100 MB result");
    }

    private static String sqlState(String service, String user) {
        SQLException e = assertThrows(SQLException.class, () -> Clients.jdbc(service, user));
        return e.getSQLState();
    }
}
