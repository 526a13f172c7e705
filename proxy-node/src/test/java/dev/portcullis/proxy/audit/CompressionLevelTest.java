package dev.portcullis.proxy.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CompressionLevelTest {
    @Test
    void codecsWithLevelsMapToKafkasSettings() {
        assertEquals("compression.zstd.level", KafkaAuditSink.compressionLevelKey("zstd"));
        assertEquals("compression.lz4.level", KafkaAuditSink.compressionLevelKey("lz4"));
        assertEquals("compression.gzip.level", KafkaAuditSink.compressionLevelKey("gzip"));
    }

    @Test
    void aLevelForACodecWithoutLevelsIsAStartupErrorThatSaysWhy() {
        for (String codec : new String[] {"snappy", "none"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> KafkaAuditSink.compressionLevelKey(codec));
            assertTrue(e.getMessage().contains("compression " + codec + " has no levels"), e.getMessage());
        }
    }
}
