package dev.portcullis.audit.ingest;

import dev.portcullis.audit.event.IndexedEvent;
import dev.portcullis.audit.live.LiveFeed;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The indexer's Prometheus metrics (/q/metrics): {@code portcullis_audit_events_indexed_total},
 * {@code _duplicates_total}, {@code _rejected_total}, {@code portcullis_audit_batch_seconds},
 * {@code portcullis_audit_index_delay_seconds} (event createdAt to searchable),
 * {@code portcullis_audit_consumer_lag} and {@code portcullis_audit_stream_subscribers}.
 */
@ApplicationScoped
public class IngestMetrics {
    private final Counter indexed;
    private final Counter duplicates;
    private final Counter rejected;
    private final Counter batchFailures;
    private final Timer batch;
    private final Timer delay;

    public IngestMetrics(MeterRegistry registry, LiveFeed feed, IndexerStatus status) {
        indexed = Counter.builder("portcullis.audit.events.indexed")
                .description("access-log events stored (each id once)")
                .register(registry);
        duplicates = Counter.builder("portcullis.audit.events.duplicates")
                .description("redelivered events skipped because their id was already stored")
                .register(registry);
        rejected = Counter.builder("portcullis.audit.events.rejected")
                .description("records skipped because they are not AccessLog JSON")
                .register(registry);
        batchFailures = Counter.builder("portcullis.audit.batch.failures")
                .description("batches that failed and were read again")
                .register(registry);
        batch = Timer.builder("portcullis.audit.batch")
                .description("decoding and storing one batch, up to its database commit")
                .register(registry);
        // percentiles over a sliding window for a glance, and cumulative buckets for
        // histogram_quantile() over any interval (bench/audit.sh reads them too)
        delay = Timer.builder("portcullis.audit.index.delay")
                .description("from an event's createdAt to the commit that made it searchable")
                .publishPercentiles(0.5, 0.99)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
        Gauge.builder("portcullis.audit.consumer.lag", status, IndexerStatus::lag)
                .description("records in the assigned partitions not yet read")
                .strongReference(true)
                .register(registry);
        Gauge.builder("portcullis.audit.stream.subscribers", feed, LiveFeed::subscribers)
                .description("open live tails")
                .register(registry);
    }

    void batch(Duration took, List<IndexedEvent> inserted, int duplicateCount, int rejectedCount) {
        batch.record(took);
        indexed.increment(inserted.size());
        duplicates.increment(duplicateCount);
        rejected.increment(rejectedCount);
        Instant now = Instant.now();
        for (IndexedEvent e : inserted) {
            Duration d = Duration.between(e.createdAt(), now);
            if (!d.isNegative()) {
                delay.record(d);
            }
        }
    }

    void batchFailed() {
        batchFailures.increment();
    }
}
