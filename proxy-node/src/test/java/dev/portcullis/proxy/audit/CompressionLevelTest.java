package dev.portcullis.proxy.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CompressionLevelTest {
    @Test
    void zstdDefaultsToLevelOneAndAnExplicitLevelWins() {
        assertEquals(
                Optional.of(Map.entry("compression.zstd.level", 1)),
                AccessLogProducer.levelSetting("zstd", Optional.empty()));
        assertEquals(
                Optional.of(Map.entry("compression.zstd.level", 5)),
                AccessLogProducer.levelSetting("zstd", Optional.of(5)));
    }

    @Test
    void otherCodecsKeepKafkasDefaultUnlessALevelIsSet() {
        for (String codec : new String[] {"lz4", "gzip", "snappy", "none"}) {
            assertEquals(Optional.empty(), AccessLogProducer.levelSetting(codec, Optional.empty()), codec);
        }
        assertEquals(
                Optional.of(Map.entry("compression.lz4.level", 9)),
                AccessLogProducer.levelSetting("lz4", Optional.of(9)));
        assertEquals(
                Optional.of(Map.entry("compression.gzip.level", 6)),
                AccessLogProducer.levelSetting("gzip", Optional.of(6)));
    }

    @Test
    void aLevelForACodecWithoutLevelsIsAStartupErrorThatSaysWhy() {
        for (String codec : new String[] {"snappy", "none"}) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> AccessLogProducer.levelSetting(codec, Optional.of(1)));
            assertTrue(e.getMessage().contains("compression " + codec + " has no levels"), e.getMessage());
        }
    }
}
