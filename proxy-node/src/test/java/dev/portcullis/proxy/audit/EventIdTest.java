package dev.portcullis.proxy.audit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventIdTest {
    @Test
    void idsAreVersion7UuidsInTimeOrderAndUnique() {
        long before = System.currentTimeMillis();
        UUID first = UUID.fromString(AccessLogs.eventId());
        assertEquals(7, first.version());
        assertEquals(2, first.variant(), "the RFC 4122/9562 variant");
        long millis = first.getMostSignificantBits() >>> 16;
        assertTrue(millis >= before && millis <= System.currentTimeMillis(), "carries its creation time: " + millis);

        // the next millisecond, by the clock the ids carry
        await().atMost(Duration.ofSeconds(1)).until(() -> System.currentTimeMillis() > millis);
        String later = AccessLogs.eventId();
        assertTrue(
                later.compareTo(first.toString()) > 0, "a later id sorts after, as text too: " + first + " " + later);

        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            ids.add(AccessLogs.eventId());
        }
        assertEquals(100_000, ids.size(), "74 random bits per millisecond: no collisions");
    }
}
