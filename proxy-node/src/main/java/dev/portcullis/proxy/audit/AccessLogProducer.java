package dev.portcullis.proxy.audit;

import dev.portcullis.api.kafka.AccessLogTopic;
import dev.portcullis.proxy.config.ProxyConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The access-log topic as the proxy writes it: one Kafka producer (key = connection id, so a
 * session's events stay in order on one partition; idempotent, acks=all), the topic made ready
 * before the first send, and each event's encoding. What to do while Kafka is away is not
 * decided here: see {@link KafkaAuditSink}. Used from the publisher thread only.
 */
final class AccessLogProducer implements AutoCloseable {
    /** zstd's level unless one is set: see {@link ProxyConfig.Audit#compressionLevel()}. */
    static final int DEFAULT_ZSTD_LEVEL = 1;

    private static final long TOPIC_RETRY_MILLIS = 2000;

    private final ProxyConfig.Audit config;
    private final KafkaProducer<String, byte[]> producer;
    private final CloudEventHeaders headers;
    private boolean topicReady;
    private long nextTopicTry;

    /** Fails (before anything is sent) on a compression level for a codec without levels. */
    AccessLogProducer(ProxyConfig.Audit config) {
        this.config = config;
        Optional<Map.Entry<String, Integer>> level = levelSetting(config.compression(), config.compressionLevel());
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
        this.headers = new CloudEventHeaders(source(config));
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** ce_source: the one configured, else this node by its host name. */
    static String source(ProxyConfig.Audit config) {
        return config.eventSource().orElseGet(() -> {
            String host;
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                host = "localhost";
            }
            return "/portcullis/proxy-node/" + host;
        });
    }

    /**
     * Kafka's level setting for the codec: the one configured, else {@link #DEFAULT_ZSTD_LEVEL}
     * for zstd, else none (Kafka's default). A level for a codec without levels is an error.
     */
    static Optional<Map.Entry<String, Integer>> levelSetting(String codec, Optional<Integer> configured) {
        Optional<Integer> level =
                configured.or(() -> "zstd".equals(codec) ? Optional.of(DEFAULT_ZSTD_LEVEL) : Optional.empty());
        return level.map(l -> Map.entry(
                switch (codec) {
                    case "gzip" -> ProducerConfig.COMPRESSION_GZIP_LEVEL_CONFIG;
                    case "lz4" -> ProducerConfig.COMPRESSION_LZ4_LEVEL_CONFIG;
                    case "zstd" -> ProducerConfig.COMPRESSION_ZSTD_LEVEL_CONFIG;
                    default ->
                        throw new IllegalArgumentException("portcullis.audit.compression-level is set, but compression "
                                + codec + " has no levels (only gzip, lz4 and zstd do)");
                },
                l));
    }

    /**
     * The topic must exist, with its leaders known, before the first send: see {@link AccessLogTopic}.
     * Asked again at most every {@value #TOPIC_RETRY_MILLIS} ms while Kafka cannot be reached.
     */
    boolean topicReady() {
        if (topicReady || System.currentTimeMillis() < nextTopicTry) {
            return topicReady;
        }
        Map<String, Object> admin = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                config.bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                10000);
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

    /** The event's record value, in the topic's format, under its id for good. */
    EncodedEvent encode(AuditEvent event) {
        return EncodedEvent.of(event, config.topicFormat());
    }

    /** Sends one event; {@code done} learns its fate. Throws when Kafka's metadata is not at hand in time. */
    Future<RecordMetadata> send(EncodedEvent event, Callback done) {
        return producer.send(
                new ProducerRecord<>(config.topic(), null, null, event.key(), event.value(), headers.of(event)), done);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
