package dev.portcullis.audit.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PendingOffsetsTest {
    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    @Test
    void theNextOffsetOfTheLastStoredRecordOfEachPartitionIsCommitted() {
        PendingOffsets pending = new PendingOffsets(Duration.ofHours(1));
        assertTrue(pending.isEmpty());
        pending.stored(batch(P0, 10, 11, 12));
        pending.stored(batch(P1, 5));
        pending.stored(batch(P0, 13, 14));
        assertEquals(Map.of(P0, new OffsetAndMetadata(15), P1, new OffsetAndMetadata(6)), pending.take());
        assertTrue(pending.isEmpty(), "taken offsets are no longer pending");
        assertEquals(Map.of(), pending.take());
    }

    @Test
    void dueOnlyOnceTheIntervalSinceTheFirstPendingBatchHasPassed() {
        AtomicLong now = new AtomicLong(1_000);
        PendingOffsets pending = new PendingOffsets(Duration.ofNanos(50), now::get);
        assertFalse(pending.due(), "nothing pending is never due");
        pending.stored(batch(P0, 1));
        now.addAndGet(49);
        assertFalse(pending.due());
        now.addAndGet(1);
        pending.stored(batch(P0, 2)); // a later batch does not push the deadline back
        assertTrue(pending.due());
        pending.take();
        pending.stored(batch(P0, 3));
        assertFalse(pending.due(), "the interval starts again with the next pending batch");
    }

    @Test
    void offsetsThatFailedToCommitArePendingAgainUnlessANewerOneCame() {
        PendingOffsets pending = new PendingOffsets(Duration.ofHours(1));
        pending.stored(batch(P0, 1));
        pending.stored(batch(P1, 7));
        var taken = pending.take();
        pending.stored(batch(P0, 2, 3)); // stored while the commit was failing
        pending.restore(taken);
        assertEquals(Map.of(P0, new OffsetAndMetadata(4), P1, new OffsetAndMetadata(8)), pending.take());
    }

    @Test
    void lostPartitionsAreNotCommitted() {
        PendingOffsets pending = new PendingOffsets(Duration.ofSeconds(1));
        pending.stored(batch(P0, 1));
        pending.stored(batch(P1, 7));
        pending.forget(List.of(P1));
        assertEquals(Map.of(P0, new OffsetAndMetadata(2)), pending.take());
    }

    private static ConsumerRecords<String, String> batch(TopicPartition tp, long... offsets) {
        List<ConsumerRecord<String, String>> records = new java.util.ArrayList<>();
        for (long o : offsets) {
            records.add(new ConsumerRecord<>(tp.topic(), tp.partition(), o, "k", "v"));
        }
        return new ConsumerRecords<>(Map.of(tp, records));
    }
}
