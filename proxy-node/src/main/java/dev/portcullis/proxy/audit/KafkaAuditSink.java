package dev.portcullis.proxy.audit;

import dev.portcullis.proxy.config.ProxyConfig;
import dev.portcullis.proxy.limits.ThrottledLog;
import dev.portcullis.proxy.metrics.HotCounters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jboss.logging.Logger;

/**
 * Publishes access-log events to Kafka ({@link AccessLogProducer}) from one publisher thread, so
 * that an event loop only ever enqueues. While Kafka is unreachable,
 * events go to the disk spool in order and are replayed, in order, when it returns; new events
 * queue behind the spool so that per-connection order holds. A full spool makes
 * {@link #accepting()} false: the proxy then refuses new sessions rather than lose their trail.
 */
@ApplicationScoped
public class KafkaAuditSink implements AuditSink {
    private static final Logger LOG = Logger.getLogger(KafkaAuditSink.class);
    private static final int REPLAY_BATCH = 500;
    private static final long REPLAY_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How long replay waits for Kafka to take the oldest spooled event before it gives up for now. */
    private static final long PROBE_SECONDS = 2;

    private final ProxyConfig.Audit config;
    private final EventHandoff<AuditEvent> queue;
    private final BlockingQueue<EncodedEvent> failed = new LinkedBlockingQueue<>();
    private final LongAdder published;
    private final Counter spooled;
    private final Counter dropped;
    private final Counter failures;
    private volatile DiskSpool spool;
    private volatile boolean healthy = true;
    private volatile boolean running;
    private final ThrottledLog dropLog = new ThrottledLog(Duration.ofSeconds(5));
    private AccessLogProducer producer;
    private Thread publisher;

    public KafkaAuditSink(ProxyConfig config, MeterRegistry metrics) {
        this.config = config.audit();
        this.queue = new EventHandoff<>(this.config.queueCapacity());
        this.published = HotCounters.register(metrics, "portcullis.proxy.audit.events", "outcome", "published");
        this.spooled = metrics.counter("portcullis.proxy.audit.events", "outcome", "spooled");
        this.dropped = metrics.counter("portcullis.proxy.audit.events", "outcome", "dropped");
        this.failures = metrics.counter("portcullis.proxy.audit.publish.failures");
        Gauge.builder("portcullis.proxy.audit.spool.bytes", this, s -> s.spool == null ? 0 : s.spool.bytes())
                .register(metrics);
    }

    void start(@Observes StartupEvent event) {
        if (!config.enabled()) {
            LOG.warn("access-log publishing is disabled (portcullis.audit.enabled=false)");
            return;
        }
        // a bad producer setting stops the node here, before anything is on disk
        producer = new AccessLogProducer(config);
        Lz4Native.load(config.compression());
        spool = new DiskSpool(config.spoolDir(), config.spoolMaxBytes());
        running = true;
        publisher = new Thread(this::run, "audit-publisher");
        publisher.setDaemon(true);
        publisher.start();
        LOG.infof(
                "publishing access logs to Kafka %s, topic %s (%s, %s compression)%s",
                config.bootstrapServers(),
                config.topic(),
                config.topicFormat().contentType(),
                config.compression(),
                spool.isEmpty() ? "" : " (replaying " + spool.bytes() + " spooled bytes first)");
    }

    void stop(@Observes ShutdownEvent event) {
        if (!running) {
            return;
        }
        running = false;
        try {
            publisher.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close();
        spool.close();
    }

    @Override
    public void publish(AuditEvent event) {
        if (!running) {
            return;
        }
        if (!queue.offer(event)) {
            drop(event.type(), event.connection().connectionId(), false);
        }
    }

    /**
     * Counts a lost event; logs once per interval, not per event: a flood of lines would only make
     * the overload worse (and the message is only built when a line is due).
     */
    private void drop(String type, String connection, boolean spoolFull) {
        dropped.increment();
        long drops = dropLog.occurred();
        if (drops > 0) {
            String why = spoolFull
                    ? "audit spool full (" + spool.bytes() + " bytes; until Kafka is back, Services with onSpoolFull"
                            + " REFUSE refuse new sessions and those with DROP lose their events)"
                    : "access-log queue full (" + queue.capacity() + " events)";
            LOG.errorf(
                    "%s: %d access-log events dropped since the last report, the last a %s of connection %s",
                    why, drops, type, connection);
        }
    }

    @Override
    public boolean enabled() {
        return config.enabled();
    }

    @Override
    public boolean accepting() {
        return !running || !spool.isFull();
    }

    private void run() {
        while (running || !queue.isEmpty()) {
            try {
                drainFailed();
                if (!producer.topicReady()) {
                    // Kafka away since start: keep what arrives, in order, until it answers
                    spoolQueued(TimeUnit.MILLISECONDS.toNanos(200));
                    continue;
                }
                if (!spool.isEmpty()) {
                    Replay r = replay();
                    if (r == Replay.STUCK) {
                        // Kafka still away: spool everything that arrives for a while, then try again
                        // (one event per attempt let the queue overflow: events dropped within a minute)
                        long retry = System.nanoTime() + REPLAY_RETRY_NANOS;
                        for (long wait; (wait = retry - System.nanoTime()) > 0; ) {
                            spoolQueued(wait);
                        }
                        continue;
                    }
                    if (r == Replay.PROGRESS) {
                        // behind the spool, in arrival order
                        spoolQueued(0);
                        continue;
                    }
                }
                AuditEvent next = queue.poll(TimeUnit.MILLISECONDS.toNanos(200));
                if (next == null) {
                    continue;
                }
                EncodedEvent e = producer.encode(next);
                if (!healthy || !spool.isEmpty()) {
                    spoolAll(e);
                } else {
                    send(e);
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException ex) {
                LOG.error("access-log publisher error", ex);
            }
        }
        drainFailed();
    }

    private void send(EncodedEvent e) {
        try {
            producer.send(e, (meta, ex) -> {
                if (ex == null) {
                    published.increment();
                } else {
                    failures.increment();
                    healthy = false;
                    failed.add(e);
                }
            });
        } catch (RuntimeException ex) {
            // metadata unavailable within max.block.ms: Kafka is away
            failures.increment();
            healthy = false;
            spoolAll(e);
        }
    }

    /** Waits up to {@code waitNanos} for an event, then spools it and all queued behind it, in order. */
    private void spoolQueued(long waitNanos) throws InterruptedException {
        spoolEncoded(queue.poll(waitNanos));
        for (AuditEvent e; (e = queue.poll()) != null; ) {
            spoolEncoded(e);
        }
    }

    private void drainFailed() {
        EncodedEvent e;
        while ((e = failed.poll()) != null) {
            spoolAll(e);
        }
    }

    private void spoolEncoded(AuditEvent e) {
        if (e != null) {
            spoolAll(producer.encode(e));
        }
    }

    private void spoolAll(EncodedEvent e) {
        if (spool.append(e.key(), e.spooled())) {
            spooled.increment();
        } else {
            drop(e.type(), e.key(), true);
        }
    }

    private enum Replay {
        EMPTY,
        PROGRESS,
        STUCK
    }

    /** Sends the spool's oldest events synchronously, in order. */
    private Replay replay() {
        List<DiskSpool.Entry> batch = spool.peek(REPLAY_BATCH);
        List<EncodedEvent> events = new ArrayList<>(batch.size());
        for (DiskSpool.Entry e : batch) {
            try {
                events.add(EncodedEvent.fromSpool(e.key(), e.event()));
            } catch (IllegalArgumentException bad) {
                // a line torn or edited on disk: it cannot be sent, and must not stop the rest behind it
                LOG.errorf("audit spool: dropped an event of connection %s: %s", e.key(), bad.getMessage());
                dropped.increment();
            }
        }
        if (events.isEmpty()) {
            spool.remove(batch);
            return spool.isEmpty() ? Replay.EMPTY : Replay.PROGRESS;
        }
        try {
            // the oldest alone first: while Kafka is still away an attempt costs one event and
            // PROBE_SECONDS, not a batch in the producer's buffer and 10 s without spooling
            producer.send(events.get(0), null).get(PROBE_SECONDS, TimeUnit.SECONDS);
            published.increment();
            // the rest in flight at once (the producer keeps the order), then its acknowledgements
            List<Future<?>> acks = new ArrayList<>(events.size());
            for (EncodedEvent e : events.subList(1, events.size())) {
                acks.add(producer.send(e, null));
            }
            for (var ack : acks) {
                ack.get(10, TimeUnit.SECONDS);
                published.increment();
            }
        } catch (Exception ex) {
            // some of the batch may have gone: sent again next time, deduplicated by the collector
            healthy = false;
            return Replay.STUCK;
        }
        spool.remove(batch);
        if (spool.isEmpty()) {
            healthy = true;
            LOG.info("audit spool replayed: publishing to Kafka directly again");
            return Replay.EMPTY;
        }
        return Replay.PROGRESS;
    }
}
