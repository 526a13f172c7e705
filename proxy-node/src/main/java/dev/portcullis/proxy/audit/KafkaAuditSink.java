package dev.portcullis.proxy.audit;

import dev.portcullis.api.codec.AccessLogJson;
import dev.portcullis.api.kafka.AccessLogTopic;
import dev.portcullis.api.v1.AccessLog;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Publishes access-log events to Kafka (key = connectionID, idempotent producer, acks=all) from
 * one publisher thread, so that an event loop only ever enqueues. While Kafka is unreachable,
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
    private static final long TOPIC_RETRY_MILLIS = 2000;

    private final ProxyConfig.Audit config;
    private final EventHandoff<AccessLog> queue;
    private final BlockingQueue<AccessLog> failed = new LinkedBlockingQueue<>();
    private final LongAdder published;
    private final Counter spooled;
    private final Counter dropped;
    private final Counter failures;
    private volatile DiskSpool spool;
    private volatile boolean healthy = true;
    private volatile boolean running;
    private final ThrottledLog dropLog = new ThrottledLog(Duration.ofSeconds(5));
    private boolean topicReady;
    private long nextTopicTry;
    private KafkaProducer<String, byte[]> producer;
    private Thread publisher;

    public KafkaAuditSink(ProxyConfig config, MeterRegistry metrics) {
        this.config = config.audit();
        this.queue = new EventHandoff<>(this.config.queueCapacity());
        this.published = HotCounters.register(metrics, "portcullis.proxy.audit.events", "outcome", "published");
        this.spooled = metrics.counter("portcullis.proxy.audit.events", "outcome", "spooled");
        this.dropped = metrics.counter("portcullis.proxy.audit.events", "outcome", "dropped");
        this.failures = metrics.counter("portcullis.proxy.audit.publish.failures");
        Gauge.builder("portcullis.proxy.audit.spool.bytes", this, s -> s.spool == null ? 0 : s.spool.bytes()).register(metrics);
    }

    void start(@Observes StartupEvent event) {
        if (!config.enabled()) {
            LOG.warn("access-log publishing is disabled (portcullis.audit.enabled=false)");
            return;
        }
        // a level for a codec without levels stops the node here, before anything is on disk
        Optional<Map.Entry<String, Integer>> level = levelSetting(config.compression(), config.compressionLevel());
        spool = new DiskSpool(config.spoolDir(), config.spoolMaxBytes());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // large, compressed batches: the broker shares the proxy's cores in small setups, and its
        // cost is per request far more than per byte (36 µs of broker CPU per event at 5 ms / 16 KiB;
        // 7 -> 2.4 µs per pgbench -S transaction going from a 20 to a 100 ms linger)
        p.put(ProducerConfig.LINGER_MS_CONFIG, (int) config.linger().toMillis());
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, config.compression());
        level.ifPresent(l -> p.put(l.getKey(), l.getValue()));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        // send() may block this long for metadata: only ever on the publisher thread
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 3_000);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "portcullis-proxy");
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        running = true;
        publisher = new Thread(this::run, "audit-publisher");
        publisher.setDaemon(true);
        publisher.start();
        LOG.infof("publishing access logs to Kafka %s, topic %s%s", config.bootstrapServers(), config.topic(),
                spool.isEmpty() ? "" : " (replaying " + spool.bytes() + " spooled bytes first)");
    }

    /** zstd's level unless one is set: see {@link ProxyConfig.Audit#compressionLevel()}. */
    static final int DEFAULT_ZSTD_LEVEL = 1;

    /**
     * Kafka's level setting for the codec: the one configured, else {@link #DEFAULT_ZSTD_LEVEL}
     * for zstd, else none (Kafka's default). A level for a codec without levels is an error.
     */
    static Optional<Map.Entry<String, Integer>> levelSetting(String codec, Optional<Integer> configured) {
        Optional<Integer> level = configured.or(() -> "zstd".equals(codec) ? Optional.of(DEFAULT_ZSTD_LEVEL) : Optional.empty());
        return level.map(l -> Map.entry(switch (codec) {
            case "gzip" -> ProducerConfig.COMPRESSION_GZIP_LEVEL_CONFIG;
            case "lz4" -> ProducerConfig.COMPRESSION_LZ4_LEVEL_CONFIG;
            case "zstd" -> ProducerConfig.COMPRESSION_ZSTD_LEVEL_CONFIG;
            default -> throw new IllegalArgumentException("portcullis.audit.compression-level is set, but compression "
                    + codec + " has no levels (only gzip, lz4 and zstd do)");
        }, l));
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
        producer.close(Duration.ofSeconds(5));
        spool.close();
    }

    @Override
    public void publish(AccessLog event) {
        if (!running) {
            return;
        }
        if (!queue.offer(event)) {
            drop(event, false);
        }
    }

    /**
     * Counts a lost event; logs once per interval, not per event: a flood of lines would only make
     * the overload worse (and the message is only built when a line is due).
     */
    private void drop(AccessLog event, boolean spoolFull) {
        dropped.increment();
        long drops = dropLog.occurred();
        if (drops > 0) {
            String why = spoolFull
                    ? "audit spool full (" + spool.bytes() + " bytes; until Kafka is back, Services with onSpoolFull"
                            + " REFUSE refuse new sessions and those with DROP lose their events)"
                    : "access-log queue full (" + queue.capacity() + " events)";
            LOG.errorf("%s: %d access-log events dropped since the last report, the last %s of connection %s", why,
                    drops, event.getMetadata().getId(), event.getEntry().getCommon().getConnectionId());
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

    /**
     * The topic must exist, with its leaders known, before the first send: see {@link AccessLogTopic}.
     * While Kafka cannot be reached for that, events wait in the spool.
     */
    private boolean topicReady() {
        if (topicReady || System.currentTimeMillis() < nextTopicTry) {
            return topicReady;
        }
        Map<String, Object> admin = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
        if (AccessLogTopic.ensure(admin, config.topic(), config.topicPartitions(), config.topicReplicationFactor())
                != AccessLogTopic.Outcome.UNREACHABLE) {
            try {
                topicReady = producer.partitionsFor(config.topic()).stream().allMatch(p -> p.leader() != null);
            } catch (RuntimeException e) {
                topicReady = false;
            }
        }
        nextTopicTry = System.currentTimeMillis() + (topicReady ? 0 : TOPIC_RETRY_MILLIS);
        return topicReady;
    }

    private void run() {
        while (running || !queue.isEmpty()) {
            try {
                drainFailed();
                if (!topicReady()) {
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
                AccessLog e = queue.poll(TimeUnit.MILLISECONDS.toNanos(200));
                if (e == null) {
                    continue;
                }
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

    private void send(AccessLog e) {
        try {
            producer.send(record(e), (meta, ex) -> {
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
        spoolAll(queue.poll(waitNanos));
        for (AccessLog e; (e = queue.poll()) != null; ) {
            spoolAll(e);
        }
    }

    private void drainFailed() {
        AccessLog e;
        while ((e = failed.poll()) != null) {
            spoolAll(e);
        }
    }

    private void spoolAll(AccessLog e) {
        if (e == null) {
            return;
        }
        String key = e.getEntry().getCommon().getConnectionId();
        if (spool.append(key, AccessLogJson.write(e))) {
            spooled.increment();
        } else {
            drop(e, true);
        }
    }

    private enum Replay { EMPTY, PROGRESS, STUCK }

    /** Sends the spool's oldest events synchronously, in order. */
    private Replay replay() {
        List<DiskSpool.Entry> batch = spool.peek(REPLAY_BATCH);
        try {
            // the oldest alone first: while Kafka is still away an attempt costs one event and
            // PROBE_SECONDS, not a batch in the producer's buffer and 10 s without spooling
            DiskSpool.Entry oldest = batch.get(0);
            producer.send(new ProducerRecord<>(config.topic(), oldest.key(),
                    oldest.json().getBytes(StandardCharsets.UTF_8))).get(PROBE_SECONDS, TimeUnit.SECONDS);
            published.increment();
            // the rest in flight at once (the producer keeps the order), then its acknowledgements
            List<Future<?>> acks = new ArrayList<>(batch.size());
            for (DiskSpool.Entry e : batch.subList(1, batch.size())) {
                acks.add(producer.send(new ProducerRecord<>(config.topic(), e.key(),
                        e.json().getBytes(StandardCharsets.UTF_8))));
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

    private ProducerRecord<String, byte[]> record(AccessLog e) {
        return new ProducerRecord<>(config.topic(), e.getEntry().getCommon().getConnectionId(), AccessLogJson.writeUtf8(e));
    }
}
