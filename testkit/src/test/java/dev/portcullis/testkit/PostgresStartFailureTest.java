package dev.portcullis.testkit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PostgresStartFailureTest {

    @Test
    void aServerThatCannotStartIsReportedWithItsLog() {
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> PostgresCluster.builder()
                        .setting("shared_buffers", "'not a size'")
                        .start());
        assertTrue(e.getMessage().contains("exited with code"), e.getMessage());
        assertTrue(e.getMessage().contains("shared_buffers"), "the log tail names the culprit: " + e.getMessage());
    }
}
