package dev.portcullis.audit.ingest;

import java.time.Duration;

/** Pauses after failures in a row: min, doubled each time, at most max; reset on success. */
final class Backoff {
    private final Duration min;
    private final Duration max;
    private Duration next;

    Backoff(Duration min, Duration max) {
        this.min = min;
        this.max = max;
        this.next = min;
    }

    void reset() {
        next = min;
    }

    /** The pause to take now; the following one is twice as long. */
    Duration next() {
        Duration d = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        return d;
    }
}
