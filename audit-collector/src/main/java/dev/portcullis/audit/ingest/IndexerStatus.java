package dev.portcullis.audit.ingest;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the indexer's consumers last did, for health checks: the partitions and lag are the sum
 * of all of them (each consumer writes its own slot), the rest is whichever acted last.
 */
@ApplicationScoped
public class IndexerStatus {
    private volatile boolean running;
    private final Map<Integer, List<String>> partitions = new ConcurrentHashMap<>();
    private final Map<Integer, Long> lags = new ConcurrentHashMap<>();
    private volatile Instant lastPoll;
    private volatile Instant lastCommit;
    private volatile String lastError;
    private volatile Instant lastErrorAt;

    public boolean running() {
        return running;
    }

    public List<String> partitions() {
        return partitions.values().stream().flatMap(List::stream).sorted().toList();
    }

    /** Records in the assigned partitions not yet read, over all consumers. */
    public long lag() {
        return lags.values().stream().mapToLong(Long::longValue).sum();
    }

    public Instant lastPoll() {
        return lastPoll;
    }

    public Instant lastCommit() {
        return lastCommit;
    }

    public String lastError() {
        return lastError;
    }

    public Instant lastErrorAt() {
        return lastErrorAt;
    }

    void running(boolean value) {
        running = value;
    }

    void polled(int consumer, List<String> assigned, long currentLag) {
        partitions.put(consumer, assigned);
        lags.put(consumer, currentLag);
        lastPoll = Instant.now();
    }

    void committed() {
        lastCommit = Instant.now();
    }

    void failed(Throwable e) {
        lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
        lastErrorAt = Instant.now();
    }
}
