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
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads the access-log topic of the test broker from the beginning, as the collector would. */
final class AccessLogTopic implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final KafkaConsumer<String, String> consumer;
    private final List<JsonNode> events = new ArrayList<>();

    AccessLogTopic() {
        Properties p = new Properties();
        p.put("bootstrap.servers", ProxyEnvironment.kafka.bootstrapServers());
        p.put("group.id", "test-" + UUID.randomUUID());
        p.put("auto.offset.reset", "earliest");
        // the topic may not exist yet: notice it within a second, not the default five minutes
        p.put("metadata.max.age.ms", "1000");
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of("portcullis.accesslogs"));
    }

    /** Every event read so far (polls once more first), keyed records checked against their connection. */
    List<JsonNode> poll() throws Exception {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(300))) {
            JsonNode e = JSON.readTree(r.value());
            if (!r.key().equals(e.at("/entry/common/connectionID").asText())) {
                throw new AssertionError("record key " + r.key() + " is not the event's connectionID");
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

    @Override
    public void close() {
        consumer.close();
    }
}
