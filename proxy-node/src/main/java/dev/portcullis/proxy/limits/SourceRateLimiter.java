package dev.portcullis.proxy.limits;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per source address: {@code capacity} attempts at once, refilled at
 * {@code perSecond}. Used for cancel requests (a key cannot be guessed, and this keeps anyone
 * from trying many); failed access tokens have their own {@link FailureBudget}.
 *
 * <p>Memory is bounded: at most {@code maxSources} buckets, the least recently used forgotten
 * first (a forgotten source starts again with a full bucket). An IPv6 source counts as its /64,
 * the block one host is usually given, so that a host cannot get a fresh bucket per address.
 */
public final class SourceRateLimiter {
    private final double perSecond;
    private final double capacity;
    private final Map<InetAddress, Bucket> buckets;

    private static final class Bucket {
        double tokens;
        long updated;

        Bucket(double tokens, long updated) {
            this.tokens = tokens;
            this.updated = updated;
        }

        void refill(long now, double perSecond, double capacity) {
            tokens = Math.min(capacity, tokens + (now - updated) / 1e9 * perSecond);
            updated = now;
        }
    }

    /** {@code perSecond} attempts a second, in bursts of up to twice that (the cancel requests' limit). */
    public SourceRateLimiter(int perSecond) {
        this(perSecond * 2.0, perSecond, 10_000);
    }

    public SourceRateLimiter(double capacity, double perSecond, int maxSources) {
        if (capacity < 1 || perSecond <= 0 || maxSources < 1) {
            throw new IllegalArgumentException("capacity >= 1, perSecond > 0 and maxSources >= 1, not " + capacity
                    + ", " + perSecond + ", " + maxSources);
        }
        this.capacity = capacity;
        this.perSecond = perSecond;
        this.buckets = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<InetAddress, Bucket> eldest) {
                return size() > maxSources;
            }
        };
    }

    /** Takes one attempt from the source's bucket; false (and nothing taken) when it is empty. */
    public boolean tryAcquire(InetAddress source) {
        long now = System.nanoTime();
        synchronized (buckets) {
            Bucket b = buckets.computeIfAbsent(key(source), k -> new Bucket(capacity, now));
            b.refill(now, perSecond, capacity);
            if (b.tokens < 1) {
                return false;
            }
            b.tokens -= 1;
            return true;
        }
    }

    /** How long until the source may try again: zero when it may now. */
    public Duration retryAfter(InetAddress source) {
        long now = System.nanoTime();
        synchronized (buckets) {
            Bucket b = buckets.get(key(source));
            if (b == null) {
                return Duration.ZERO;
            }
            b.refill(now, perSecond, capacity);
            return b.tokens >= 1 ? Duration.ZERO : Duration.ofNanos((long) Math.ceil((1 - b.tokens) / perSecond * 1e9));
        }
    }

    /** Sources currently tracked (bounded by maxSources). */
    public int trackedSources() {
        synchronized (buckets) {
            return buckets.size();
        }
    }

    /** The bucket a source counts against: itself, or for IPv6 its /64. */
    public static InetAddress key(InetAddress source) {
        if (source instanceof Inet6Address) {
            byte[] a = Arrays.copyOf(source.getAddress(), 16);
            Arrays.fill(a, 8, 16, (byte) 0);
            try {
                return InetAddress.getByAddress(a);
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        return source;
    }
}
