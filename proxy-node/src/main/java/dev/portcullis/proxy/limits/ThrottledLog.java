package dev.portcullis.proxy.limits;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Decides when a repeated event (a dropped audit event, a rate-limited cancel) is written to the
 * log: at most once per interval, with how many happened since the last line. A line per event
 * would let whoever causes the events — an overload, or an attacker — flood the log too.
 * Thread-safe; the events themselves are counted by metrics, never hidden.
 */
public final class ThrottledLog {
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final AtomicLong sinceLastLine = new AtomicLong();
    private final AtomicLong lastLine;

    public ThrottledLog(Duration interval) {
        this(interval, System::nanoTime);
    }

    ThrottledLog(Duration interval, LongSupplier nanoTime) {
        this.intervalNanos = interval.toNanos();
        this.nanoTime = nanoTime;
        this.lastLine = new AtomicLong(nanoTime.getAsLong() - intervalNanos - 1);
    }

    /**
     * Counts one occurrence. Returns how many occurred since the last line (this one included) when
     * a line is due now, else 0.
     */
    public long occurred() {
        long count = sinceLastLine.incrementAndGet();
        long now = nanoTime.getAsLong();
        long last = lastLine.get();
        if (now - last > intervalNanos && lastLine.compareAndSet(last, now)) {
            sinceLastLine.addAndGet(-count);
            return count;
        }
        return 0;
    }
}
