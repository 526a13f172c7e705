package dev.portcullis.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TtlTest {
    @Test
    void parsesWhatPeopleWrite() {
        assertEquals(Duration.ofHours(8), Ttl.parse("8h"));
        assertEquals(Duration.ofMinutes(90), Ttl.parse("1h30m"));
        assertEquals(Duration.ofDays(2), Ttl.parse("2d"));
        assertEquals(Duration.ofSeconds(45), Ttl.parse(" 45s "));
    }

    @Test
    void refusesTheRest() {
        for (String bad : new String[] {"", "8", "h", "8x", "8h30", "-1h", "8 h"}) {
            assertThrows(IllegalArgumentException.class, () -> Ttl.parse(bad), bad);
        }
    }

    @Test
    void enumWordsListTheirChoices() {
        var e = assertThrows(IllegalArgumentException.class, () -> SslMode.parse("SOMETIMES"));
        assertEquals(
                "unknown value \"SOMETIMES\"; expected one of PREFER, REQUIRE, DISABLE, VERIFY_CA, VERIFY_FULL",
                e.getMessage());
        assertEquals(SslMode.PREFER, SslMode.parse(""));
        assertEquals(SslMode.VERIFY_FULL, SslMode.parse("verify_full"));
    }
}
