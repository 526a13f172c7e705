package dev.portcullis.proxy.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The per-source buckets: limits, retry times, bounded memory, IPv6 sources by /64. */
class SourceRateLimiterTest {

    @Test
    void aSourceGetsItsCapacityThenWaitsForTheRefill() throws Exception {
        SourceRateLimiter l = new SourceRateLimiter(3, 3 / 60.0, 100); // 3 per minute
        InetAddress a = InetAddress.getByName("192.0.2.1");
        InetAddress b = InetAddress.getByName("192.0.2.2");
        for (int i = 0; i < 3; i++) {
            assertEquals(Duration.ZERO, l.retryAfter(a));
            assertTrue(l.tryAcquire(a), "attempt " + (i + 1));
        }
        assertFalse(l.tryAcquire(a), "the fourth attempt within the window");
        Duration wait = l.retryAfter(a);
        assertTrue(
                wait.compareTo(Duration.ofSeconds(19)) > 0 && wait.compareTo(Duration.ofSeconds(20)) <= 0,
                wait.toString());
        assertTrue(l.tryAcquire(b), "another source is not affected");
    }

    @Test
    void memoryIsBoundedByForgettingTheLeastRecentlySeen() throws Exception {
        SourceRateLimiter l = new SourceRateLimiter(1, 1 / 60.0, 1000);
        InetAddress attacker = InetAddress.getByName("198.51.100.7");
        assertTrue(l.tryAcquire(attacker));
        assertFalse(l.tryAcquire(attacker));
        for (int i = 0; i < 100_000; i++) {
            l.tryAcquire(InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i}));
            if (i % 500 == 0) {
                assertFalse(l.tryAcquire(attacker), "a source seen recently stays limited");
            }
            assertTrue(l.trackedSources() <= 1000);
        }
        assertEquals(1000, l.trackedSources());
    }

    @Test
    void ipv6SourcesCountAsTheirSlash64() throws Exception {
        SourceRateLimiter l = new SourceRateLimiter(2, 2 / 60.0, 100);
        assertTrue(l.tryAcquire(InetAddress.getByName("2001:db8:1:2::1")));
        assertTrue(l.tryAcquire(InetAddress.getByName("2001:db8:1:2:ffff::9")));
        assertFalse(l.tryAcquire(InetAddress.getByName("2001:db8:1:2:abcd::1")), "the same /64");
        assertTrue(l.tryAcquire(InetAddress.getByName("2001:db8:1:3::1")), "another /64");
    }
}
