package dev.portcullis.proxy.cancel;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per source address: a key cannot be guessed (56 random bits), and this keeps
 * anyone from trying many. Buckets of quiet sources are forgotten.
 */
final class SourceRateLimiter {
    private final double perSecond;
    private final double burst;
    private final ConcurrentHashMap<InetAddress, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long updated;

        Bucket(double tokens, long updated) {
            this.tokens = tokens;
            this.updated = updated;
        }
    }

    SourceRateLimiter(int perSecond) {
        this.perSecond = perSecond;
        this.burst = perSecond * 2.0;
    }

    boolean tryAcquire(InetAddress source) {
        long now = System.nanoTime();
        if (buckets.size() > 10_000) {
            buckets.clear();
        }
        Bucket b = buckets.computeIfAbsent(source, k -> new Bucket(burst, now));
        synchronized (b) {
            b.tokens = Math.min(burst, b.tokens + (now - b.updated) / 1e9 * perSecond);
            b.updated = now;
            if (b.tokens < 1) {
                return false;
            }
            b.tokens -= 1;
            return true;
        }
    }
}
