package dev.portcullis.audit.health;

import dev.portcullis.audit.ingest.IndexerStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * The Kafka side: DOWN only if the indexer thread has stopped (a restart is the cure). Kafka
 * being away is not DOWN: search keeps working, and indexing resumes by itself; the data says
 * which partitions are assigned, the lag, and the last error. The database has its own
 * readiness check (the datasource's).
 */
@Liveness
@Readiness
@ApplicationScoped
public class IndexerHealth implements HealthCheck {
    private final IndexerStatus status;

    public IndexerHealth(IndexerStatus status) {
        this.status = status;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("audit-indexer")
                .status(status.running())
                .withData("partitions", String.join(",", status.partitions()))
                .withData("lag", status.lag());
        put(b, "lastPoll", status.lastPoll());
        put(b, "lastCommit", status.lastCommit());
        if (status.lastError() != null) {
            b.withData("lastError", status.lastError());
            put(b, "lastErrorAt", status.lastErrorAt());
        }
        return b.build();
    }

    private static void put(HealthCheckResponseBuilder b, String key, Instant value) {
        if (value != null) {
            b.withData(key, value.toString());
        }
    }
}
