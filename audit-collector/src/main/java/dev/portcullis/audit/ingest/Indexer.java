package dev.portcullis.audit.ingest;

import dev.portcullis.api.kafka.AccessLogTopic;
import dev.portcullis.audit.config.AuditConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * The consumer loops, each on a thread of its own with its own consumer in the group (so its own
 * partitions): poll a batch, store it (one transaction), and every {@code commit-interval} make
 * the stored batches durable and commit their offsets. The order is what makes delivery
 * at-least-once and storage exactly-once: a crash after the database commit redelivers events
 * that are already stored, and the stored id turns them into no-ops.
 *
 * <p>One loop uses about one core (decoding and the database's insert and commit), which is why
 * there are {@code portcullis.kafka.consumers} of them (2 by default).
 *
 * <p>A batch that fails is read again (the consumer seeks back) after a growing pause, so a
 * database outage stalls indexing without losing or skipping anything.
 */
@ApplicationScoped
public class Indexer {
    private static final Logger LOG = Logger.getLogger(Indexer.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final AuditConfig.Kafka kafka;
    private final BatchWriter writer;
    private final IndexerStatus status;
    private final IngestMetrics metrics;
    private final Object pauses = new Object();
    private final AtomicInteger live = new AtomicInteger();
    private volatile boolean running;
    private final List<Thread> threads = new ArrayList<>();

    public Indexer(AuditConfig config, BatchWriter writer, IndexerStatus status, IngestMetrics metrics) {
        this.kafka = config.kafka();
        this.writer = writer;
        this.status = status;
        this.metrics = metrics;
    }

    void start(@Observes StartupEvent event) {
        running = true;
        status.running(true);
        for (int i = 0; i < Math.max(1, kafka.consumers()); i++) {
            int consumer = i;
            live.incrementAndGet();
            Thread t = new Thread(() -> run(consumer), "audit-indexer-" + i);
            threads.add(t);
            t.start();
        }
        LOG.infof(
                "indexing topic %s from %s as group %s (%d consumers)",
                kafka.topic(), kafka.bootstrapServers(), kafka.groupId(), threads.size());
    }

    /** Lets the batch in hand finish and commit, so that a clean stop redelivers nothing. */
    void stop(@Observes ShutdownEvent event) {
        running = false;
        synchronized (pauses) {
            pauses.notifyAll();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        try {
            for (Thread t : threads) {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(int consumerIndex) {
        Backoff backoff = new Backoff(kafka.retryMin(), kafka.retryMax());
        boolean topicReady = !kafka.createTopic();
        try {
            while (running) {
                KafkaConsumer<String, byte[]> consumer = null;
                try {
                    if (!topicReady) {
                        topicReady = AccessLogTopic.ensure(
                                        KafkaClients.admin(kafka),
                                        kafka.topic(),
                                        kafka.partitions(),
                                        kafka.replicationFactor())
                                != AccessLogTopic.Outcome.UNREACHABLE;
                        if (!topicReady) {
                            pause(backoff.next());
                            continue;
                        }
                    }
                    consumer = new KafkaConsumer<>(KafkaClients.consumer(kafka));
                    consume(consumerIndex, consumer, backoff);
                } catch (RuntimeException e) {
                    // the consumer itself failed (or could not be made), not a batch: start over
                    LOG.errorf(e, "Kafka consumer failed; starting a new one");
                    status.failed(e);
                    pause(backoff.next());
                } finally {
                    if (consumer != null) {
                        closeQuietly(consumer);
                    }
                }
            }
        } finally {
            if (live.decrementAndGet() == 0) {
                status.running(false);
                LOG.info("indexer stopped");
            }
        }
    }

    private void consume(int consumerIndex, KafkaConsumer<String, byte[]> consumer, Backoff backoff) {
        PendingOffsets pending = new PendingOffsets(kafka.commitInterval());
        consumer.subscribe(List.of(kafka.topic()), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                // still ours here: whoever gets them next starts after what we stored; after this,
                // a commit of them could move the next owner's offset back, so they are dropped
                try {
                    flush(consumer, pending);
                } finally {
                    pending.forget(partitions);
                }
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                pending.forget(partitions);
            }
        });
        while (running) {
            ConsumerRecords<String, byte[]> records = consumer.poll(kafka.pollTimeout());
            observe(consumerIndex, consumer);
            if (records.isEmpty()) {
                flush(consumer, pending);
                continue;
            }
            try {
                writer.write(records);
            } catch (RuntimeException e) {
                LOG.errorf(
                        "batch of %d events failed (%s); reading it again (what is already stored is skipped)",
                        records.count(), e.toString());
                LOG.debug("batch failure", e);
                status.failed(e);
                metrics.batchFailed();
                rewind(consumer, records);
                pause(backoff.next());
                continue;
            }
            backoff.reset();
            pending.stored(records);
            if (pending.due()) {
                flush(consumer, pending);
            }
        }
        // a clean stop: what is stored is committed, so nothing is redelivered
        flush(consumer, pending);
    }

    /**
     * Commits the pending offsets once the database has the batches on disk. Until then a crash may
     * lose them from the database (embedded H2 writes its store in the background, up to half a
     * second after a commit), so their offsets must not be committed before: they are read again
     * instead.
     */
    private void flush(KafkaConsumer<String, byte[]> consumer, PendingOffsets pending) {
        if (pending.isEmpty()) {
            return;
        }
        try {
            writer.makeDurable();
        } catch (RuntimeException e) {
            LOG.warnf("stored events not yet on disk (%s); their offsets wait for the next flush", e.toString());
            status.failed(e);
            return;
        }
        var offsets = pending.take();
        try {
            consumer.commitSync(offsets);
            status.committed();
        } catch (KafkaException e) {
            // stored already: tried again with the next flush; should these partitions move to another
            // consumer meanwhile, it reads them again and skips them as stored
            LOG.warnf("offsets not committed (%s); trying again with the next flush", e.toString());
            status.failed(e);
            pending.restore(offsets);
        }
    }

    /** Back to the first record of the failed batch in each partition, so it is polled again. */
    private static void rewind(KafkaConsumer<String, byte[]> consumer, ConsumerRecords<String, byte[]> records) {
        for (TopicPartition tp : records.partitions()) {
            consumer.seek(tp, records.records(tp).get(0).offset());
        }
    }

    private void observe(int consumerIndex, KafkaConsumer<String, byte[]> consumer) {
        long lag = 0;
        var assigned = consumer.assignment();
        for (TopicPartition tp : assigned) {
            lag += consumer.currentLag(tp).orElse(0);
        }
        status.polled(
                consumerIndex,
                assigned.stream().map(TopicPartition::toString).sorted().toList(),
                lag);
    }

    private void pause(Duration d) {
        synchronized (pauses) {
            if (!running) {
                return;
            }
            try {
                pauses.wait(Math.max(1, d.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }

    private static void closeQuietly(KafkaConsumer<String, byte[]> consumer) {
        try {
            consumer.close(CLOSE_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.debugf("closing the consumer: %s", e);
        }
    }
}
