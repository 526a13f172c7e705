package dev.portcullis.apiserver.store;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then random bits. Versions made by this process
 * are strictly increasing, so they also order the writes they stamp.
 */
public final class ResourceVersions {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static long lastMillis;
    private static long sequence;

    private ResourceVersions() {}

    public static synchronized String next() {
        long now = System.currentTimeMillis();
        if (now > lastMillis) {
            lastMillis = now;
            sequence = RANDOM.nextInt(1 << 11);
        } else {
            // same (or earlier: clock stepped back) millisecond: keep order with a counter
            sequence++;
            if (sequence >= (1 << 12)) {
                lastMillis++;
                sequence = 0;
            }
        }
        long msb = (lastMillis << 16) | (0x7L << 12) | sequence;
        long lsb = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}
