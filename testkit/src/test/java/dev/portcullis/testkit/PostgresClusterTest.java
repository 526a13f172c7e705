package dev.portcullis.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** One TLS cluster with a role per authentication method; every test logs in for real. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresClusterTest {

    private static PostgresCluster pg;

    @BeforeAll
    static void startCluster() {
        pg = PostgresCluster.builder()
                .tls(true)
                .scramRole("scramuser", "scram-secret")
                .md5Role("md5user", "md5-secret")
                .passwordRole("clearuser", "clear-secret")
                .database("db01", "scramuser")
                .start();
    }

    @AfterAll
    static void closeCluster() {
        if (pg != null) {
            pg.close();
            assertFalse(Files.exists(pg.directory()), "close() deletes the cluster folder");
        }
    }

    @Test
    void superuserLogsInWithScramOverVerifiedTls() throws SQLException {
        try (Connection c =
                DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.superuser(), pg.superuserPassword())) {
            assertEquals(pg.superuser(), single(c, "select current_user"));
            assertEquals("true", single(c, "select ssl::text from pg_stat_ssl where pid = pg_backend_pid()"));
        }
        assertTrue(pg.jdbcUrl("postgres").contains("sslmode=verify-full"));
        assertEquals("127.0.0.1", pg.host());
    }

    @Test
    void scramRoleLogsIn() throws SQLException {
        try (Connection c = pg.connect("db01", "scramuser", "scram-secret")) {
            assertEquals("scramuser", single(c, "select current_user"));
            // the database owner may create tables in public (PostgreSQL 15 rules)
            execute(c, "create table owned_by_scramuser(id int)");
        }
        assertTrue(pg.queryForString("postgres", "select rolpassword from pg_authid where rolname = 'scramuser'")
                .startsWith("SCRAM-SHA-256$"));
        assertEquals("scram-sha-256", hbaMethodFor("all"));
    }

    @Test
    void md5RoleLogsInAndIsStoredAsMd5() throws SQLException {
        try (Connection c = pg.connect("db01", "md5user", "md5-secret")) {
            assertEquals("md5user", single(c, "select current_user"));
        }
        assertTrue(pg.queryForString("postgres", "select rolpassword from pg_authid where rolname = 'md5user'")
                .startsWith("md5"));
        assertEquals("md5", hbaMethodFor("md5user"));
    }

    @Test
    void passwordRoleLogsIn() throws SQLException {
        try (Connection c = pg.connect("db01", "clearuser", "clear-secret")) {
            assertEquals("clearuser", single(c, "select current_user"));
        }
        assertEquals("password", hbaMethodFor("clearuser"));
    }

    @Test
    void wrongPasswordIsRejected() {
        SQLException e = assertThrows(
                SQLException.class, () -> pg.connect("db01", "md5user", "wrong").close());
        assertEquals("28P01", e.getSQLState());
    }

    @Test
    void verifyFullWithCaPemSucceedsAndWithAnotherCaFails(@TempDir Path tmp) throws Exception {
        Path ours = tmp.resolve("ours.crt");
        Files.writeString(ours, pg.caCertificatePem());
        String url = "jdbc:postgresql://localhost:" + pg.port() + "/postgres?sslmode=verify-full&sslrootcert=" + ours;
        try (Connection c = DriverManager.getConnection(url, pg.superuser(), pg.superuserPassword())) {
            assertEquals("1", single(c, "select 1"));
        }

        Path wrong = TestCertificates.newCa().writeCertificate(tmp.resolve("wrong.crt"));
        String wrongUrl =
                "jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres?sslmode=verify-full&sslrootcert=" + wrong;
        SQLException e = assertThrows(
                SQLException.class,
                () -> DriverManager.getConnection(wrongUrl, pg.superuser(), pg.superuserPassword())
                        .close());
        assertEquals("08006", e.getSQLState(), "a TLS failure, not an authentication one: " + e);
    }

    @Test
    void psqlRunsWithTheClientEnvironment(@TempDir Path tmp) throws Exception {
        Path output = tmp.resolve("psql.out");
        ProcessBuilder builder = new ProcessBuilder(
                        pg.clientBinary("psql").toString(), "-XAtc", "select current_database()")
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().putAll(pg.clientEnvironment("db01"));
        Process psql = builder.start();
        assertTrue(psql.waitFor(30, TimeUnit.SECONDS), "psql finished");
        assertEquals(0, psql.exitValue(), Files.readString(output));
        assertEquals("db01", Files.readString(output, StandardCharsets.UTF_8).trim());
    }

    @Test
    @Order(Integer.MAX_VALUE) // restarts the shared cluster: last
    void restartKeepsDataAndPort() throws SQLException, IOException {
        pg.executeSql("db01", "create table kept(v text); insert into kept values ('survives')");
        int port = pg.port();

        pg.stop();
        assertFalse(pg.isRunning());
        assertThrows(SQLException.class, () -> pg.connect("db01").close());

        pg.start();
        assertTrue(pg.isRunning());
        assertEquals(port, pg.port());
        assertEquals("survives", pg.queryForString("db01", "select v from kept"));
        assertTrue(Files.size(pg.logFile()) > 0, "server output goes to its log file");
    }

    private static String hbaMethodFor(String user) {
        return pg.queryForString(
                "postgres",
                "select auth_method from pg_hba_file_rules where type = 'host'" + " and user_name = array['" + user
                        + "'] order by line_number limit 1");
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
