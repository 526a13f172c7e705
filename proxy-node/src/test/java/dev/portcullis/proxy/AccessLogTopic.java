package dev.portcullis.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the access-log topic of the test broker from the beginning, as any consumer would: each
 * value a binary {@code portcullis.v1.AccessLog}, its CloudEvents headers checked against it.
 */
final class AccessLogTopic implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<JsonNode> events = new ArrayList<>();

    AccessLogTopic() {
        Properties p = new Properties();
        p.put("bootstrap.servers", ProxyEnvironment.kafka.bootstrapServers());
        p.put("group.id", "test-" + UUID.randomUUID());
        p.put("auto.offset.reset", "earliest");
        // the topic may not exist yet: notice it within a second, not the default five minutes
        p.put("metadata.max.age.ms", "1000");
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of("portcullis.accesslogs"));
    }

    /** Every event read so far (polls once more first), keyed records checked against their connection. */
    List<JsonNode> poll() throws Exception {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(300))) {
            dev.portcullis.api.v1.AccessLog event = dev.portcullis.api.v1.AccessLog.parseFrom(r.value());
            JsonNode e = JSON.readTree(dev.portcullis.api.codec.AccessLogJson.write(event));
            if (!r.key().equals(e.at("/entry/common/connectionID").asText())) {
                throw new AssertionError("record key " + r.key() + " is not the event's connectionID");
            }
            expectHeader(r, "ce_specversion", "1.0");
            expectHeader(r, "content-type", "application/protobuf");
            expectHeader(r, "ce_id", e.at("/metadata/id").asText());
            expectHeader(
                    r,
                    "ce_type",
                    "dev.portcullis.accesslog.v1."
                            + e.at("/entry/info/postgres/type").asText());
            expectHeader(r, "ce_time", e.at("/metadata/createdAt").asText());
            if (header(r, "ce_source").isEmpty()) {
                throw new AssertionError("no ce_source on " + e);
            }
            events.add(e);
        }
        return events;
    }

    List<JsonNode> ofUser(String user) throws Exception {
        return poll().stream()
                .filter(e -> user.equals(e.at("/entry/common/userRef/name").asText()))
                .toList();
    }

    private static void expectHeader(ConsumerRecord<String, byte[]> r, String name, String expected) {
        String actual = header(r, name);
        if (!expected.equals(actual)) {
            throw new AssertionError("header " + name + " is '" + actual + "', not '" + expected + "'");
        }
    }

    /** The header's value; empty when missing; an error when it is there twice. */
    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        List<String> values = new ArrayList<>();
        for (Header h : r.headers().headers(name)) {
            values.add(new String(h.value(), java.nio.charset.StandardCharsets.UTF_8));
        }
        if (values.size() > 1) {
            throw new AssertionError("header " + name + " " + values.size() + " times");
        }
        return values.isEmpty() ? "" : values.get(0);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
