package dev.portcullis.audit.ingest;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

/** What the indexer thread last did, for health checks. Written by that thread only. */
@ApplicationScoped
public class IndexerStatus {
    private volatile boolean running;
    private volatile List<String> partitions = List.of();
    private volatile long lag;
    private volatile Instant lastPoll;
    private volatile Instant lastCommit;
    private volatile String lastError;
    private volatile Instant lastErrorAt;

    public boolean running() {
        return running;
    }

    public List<String> partitions() {
        return partitions;
    }

    public long lag() {
        return lag;
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

    void polled(List<String> assigned, long currentLag) {
        partitions = assigned;
        lag = currentLag;
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
