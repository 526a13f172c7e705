package dev.portcullis.audit.ingest;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test hook at the one point where a crash matters most: after a batch's database commit and
 * before its Kafka offset commit. Nothing in production arms it.
 */
@ApplicationScoped
public class FaultInjection {
    private final AtomicInteger crashesAfterCommit = new AtomicInteger();

    /** The next {@code batches} batches fail there, as if the process died at that instant. */
    public void failAfterDatabaseCommit(int batches) {
        crashesAfterCommit.set(batches);
    }

    void afterDatabaseCommit() {
        if (crashesAfterCommit.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            throw new IllegalStateException("injected failure between the database commit and the offset commit");
        }
    }
}
