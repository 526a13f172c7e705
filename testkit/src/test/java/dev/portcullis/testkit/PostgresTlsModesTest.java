package dev.portcullis.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A cluster without TLS, and one that accepts TLS clients only. */
class PostgresTlsModesTest {

    private static PostgresCluster plain;
    private static PostgresCluster sslOnly;

    @BeforeAll
    static void startClusters() {
        plain = PostgresCluster.builder().scramRole("app", "app-secret").start();
        sslOnly = PostgresCluster.builder()
                .tls(true)
                .hostSslOnly(true)
                .md5Role("app", "app-secret")
                .start();
    }

    @AfterAll
    static void closeClusters() {
        if (plain != null) {
            plain.close();
        }
        if (sslOnly != null) {
            sslOnly.close();
        }
    }

    @Test
    void plainClusterRefusesTls() throws SQLException {
        try (Connection c = DriverManager.getConnection(plain.jdbcUrl("postgres"), "app", "app-secret")) {
            assertTrue(c.isValid(5));
        }
        String require = "jdbc:postgresql://127.0.0.1:" + plain.port() + "/postgres?sslmode=require";
        SQLException e = assertThrows(
                SQLException.class,
                () -> DriverManager.getConnection(require, "app", "app-secret").close());
        assertTrue(e.getMessage().contains("does not support SSL"), e.getMessage());
        assertThrows(IllegalStateException.class, plain::caCertificatePem);
    }

    @Test
    void sslOnlyClusterRejectsClientsWithoutTls() throws SQLException {
        String disable = "jdbc:postgresql://127.0.0.1:" + sslOnly.port() + "/postgres?sslmode=disable";
        SQLException e = assertThrows(
                SQLException.class,
                () -> DriverManager.getConnection(disable, "app", "app-secret").close());
        assertEquals("28000", e.getSQLState(), "no pg_hba.conf entry without TLS: " + e.getMessage());

        try (Connection c = sslOnly.connect("postgres", "app", "app-secret")) {
            assertTrue(c.isValid(5));
        }
    }

    @Test
    void hostSslOnlyNeedsTls() {
        assertThrows(
                IllegalStateException.class,
                () -> PostgresCluster.builder().hostSslOnly(true).start());
    }
}
