package dev.portcullis.audit.ingest;

import dev.portcullis.audit.event.EventDecoder;
import dev.portcullis.audit.event.IndexedEvent;
import dev.portcullis.audit.event.InvalidEventException;
import dev.portcullis.audit.live.LiveFeed;
import dev.portcullis.audit.store.AccessLogStore;
import dev.portcullis.audit.store.InsertResult;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.jboss.logging.Logger;

/** One polled batch: decoded, stored in one transaction, then broadcast to live tails. */
@ApplicationScoped
public class BatchWriter {
    private static final Logger LOG = Logger.getLogger(BatchWriter.class);

    private final AccessLogStore store;
    private final LiveFeed feed;
    private final IngestMetrics metrics;
    private final FaultInjection faults;

    public BatchWriter(AccessLogStore store, LiveFeed feed, IngestMetrics metrics, FaultInjection faults) {
        this.store = store;
        this.feed = feed;
        this.metrics = metrics;
        this.faults = faults;
    }

    /** Everything stored so far survives a crash once this returns (see {@link AccessLogStore#makeDurable}). */
    public void makeDurable() {
        store.makeDurable();
    }

    /** The record's content-type header (CloudEvents binary mode), or null. */
    private static String contentType(ConsumerRecord<String, byte[]> r) {
        var h = r.headers().lastHeader("content-type");
        return h == null || h.value() == null ? null : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Returns once the batch is committed to the database; throws when it is not. */
    public InsertResult write(ConsumerRecords<String, byte[]> records) {
        long start = System.nanoTime();
        List<IndexedEvent> events = new ArrayList<>(records.count());
        int rejected = 0;
        for (ConsumerRecord<String, byte[]> r : records) {
            try {
                events.add(EventDecoder.decode(
                        r.value(),
                        contentType(r),
                        new EventDecoder.Origin(r.topic(), r.partition(), r.offset(), r.key(), r.timestamp())));
            } catch (InvalidEventException e) {
                // never the value itself: it may be anything, of any size
                LOG.warnf("skipping record %s-%d@%d: %s", r.topic(), r.partition(), r.offset(), e.getMessage());
                rejected++;
            }
        }
        InsertResult result = store.insertNew(events);
        metrics.batch(Duration.ofNanos(System.nanoTime() - start), result.inserted(), result.duplicates(), rejected);
        feed.publish(result.inserted());
        faults.afterDatabaseCommit();
        if (LOG.isDebugEnabled()) {
            LOG.debugf(
                    "batch of %d: %d stored, %d duplicates, %d rejected",
                    records.count(), result.inserted().size(), result.duplicates(), rejected);
        }
        return result;
    }
}
