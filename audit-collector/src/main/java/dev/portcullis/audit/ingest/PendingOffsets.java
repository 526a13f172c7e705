package dev.portcullis.audit.ingest;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The offsets of batches that are stored but not yet known to be on disk, for one consumer. They
 * are committed to Kafka together, after the database has made them durable: while batches keep
 * coming, once they have waited {@code interval} (an offset commit, and the store's flush before
 * it, per batch cost more than the batch's inserts); and whenever the consumer is idle.
 */
final class PendingOffsets {
    private final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private long dueAt;

    PendingOffsets(Duration interval) {
        this(interval, System::nanoTime);
    }

    /** @param nanoTime the clock, {@link System#nanoTime} but in tests */
    PendingOffsets(Duration interval, LongSupplier nanoTime) {
        this.intervalNanos = interval.toNanos();
        this.nanoTime = nanoTime;
    }

    /** The batch is stored: its partitions' next offsets replace the older ones. */
    void stored(ConsumerRecords<?, ?> records) {
        if (offsets.isEmpty()) {
            dueAt = nanoTime.getAsLong() + intervalNanos;
        }
        for (TopicPartition tp : records.partitions()) {
            var list = records.records(tp);
            ConsumerRecord<?, ?> last = list.get(list.size() - 1);
            offsets.put(tp, new OffsetAndMetadata(last.offset() + 1));
        }
    }

    boolean isEmpty() {
        return offsets.isEmpty();
    }

    boolean due() {
        return !offsets.isEmpty() && nanoTime.getAsLong() - dueAt >= 0;
    }

    /** The offsets to commit now; they are no longer pending. */
    Map<TopicPartition, OffsetAndMetadata> take() {
        Map<TopicPartition, OffsetAndMetadata> out = Map.copyOf(offsets);
        offsets.clear();
        return out;
    }

    /**
     * Offsets that were taken but could not be committed: pending again, unless a later batch of the
     * same partition has been stored since (its offset is the newer one).
     */
    void restore(Map<TopicPartition, OffsetAndMetadata> taken) {
        if (offsets.isEmpty() && !taken.isEmpty()) {
            dueAt = nanoTime.getAsLong() + intervalNanos;
        }
        taken.forEach(offsets::putIfAbsent);
    }

    /** Partitions this consumer no longer owns and cannot commit for: their events are read again. */
    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(offsets::remove);
    }
}
