package dev.portcullis.testkit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * The path a machine without PostgreSQL takes: binaries from Maven Central, extracted into the
 * cache. Forced with the system property so it is tested on machines that do have PostgreSQL.
 */
class EmbeddedPostgresFallbackTest {

    @Test
    void embeddedBinariesStartAClusterThatAnswers() {
        String previous = System.setProperty(PostgresBinaries.EMBEDDED_PROPERTY, "true");
        try (PostgresCluster pg =
                PostgresCluster.builder().tls(true).md5Role("app", "app-secret").start()) {
            assertTrue(
                    pg.binDir().startsWith(PostgresBinaries.cacheRoot()),
                    pg.binDir().toString());
            assertFalse(pg.binDir().startsWith("/usr/lib/postgresql"));
            assertTrue(Files.isExecutable(pg.binDir().resolve("postgres")), "executable bits survive extraction");
            assertTrue(pg.queryForString("postgres", "select version()").startsWith("PostgreSQL "));
            pg.executeSql("select 1");
        } finally {
            if (previous == null) {
                System.clearProperty(PostgresBinaries.EMBEDDED_PROPERTY);
            } else {
                System.setProperty(PostgresBinaries.EMBEDDED_PROPERTY, previous);
            }
        }
    }
}
