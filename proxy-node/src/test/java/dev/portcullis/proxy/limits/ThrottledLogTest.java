package dev.portcullis.proxy.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ThrottledLogTest {

    @Test
    void oneLineAtOnceThenOnePerIntervalCountingWhatWasHeldBack() {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        ThrottledLog log = new ThrottledLog(Duration.ofSeconds(5), now::get);

        assertEquals(1, log.occurred(), "the first occurrence is logged at once");
        for (int i = 0; i < 999; i++) {
            assertEquals(0, log.occurred(), "no line within the interval");
        }
        now.addAndGet(Duration.ofSeconds(4).toNanos());
        assertEquals(0, log.occurred());
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        assertEquals(1001, log.occurred(), "the next line counts the 1,000 held back and itself");
        assertEquals(0, log.occurred());
        now.addAndGet(Duration.ofSeconds(6).toNanos());
        assertEquals(2, log.occurred());
    }
}
