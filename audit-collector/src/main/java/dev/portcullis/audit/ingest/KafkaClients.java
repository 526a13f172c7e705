package dev.portcullis.audit.ingest;

import dev.portcullis.audit.config.AuditConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Client settings from configuration; portcullis.kafka.properties.* are passed through. */
final class KafkaClients {
    private KafkaClients() {}

    static Map<String, Object> consumer(AuditConfig.Kafka kafka) {
        Map<String, Object> p = new HashMap<>();
        p.put(
                ConsumerConfig.CLIENT_ID_CONFIG,
                "portcullis-audit-collector-" + UUID.randomUUID().toString().substring(0, 8));
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int)
                kafka.sessionTimeout().toMillis());
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int)
                Math.max(500, kafka.sessionTimeout().toMillis() / 3));
        p.putAll(common(kafka));
        p.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.groupId());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, kafka.autoOffsetReset());
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, kafka.maxBatch());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        // bytes: a value is a binary AccessLog or its JSON, as its content-type says (EventDecoder)
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        // not overridable: offsets are committed only after the batch is in the database
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return p;
    }

    static Map<String, Object> admin(AuditConfig.Kafka kafka) {
        Map<String, Object> p = common(kafka);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "portcullis-audit-collector-admin");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
        return p;
    }

    private static Map<String, Object> common(AuditConfig.Kafka kafka) {
        Map<String, Object> p = new HashMap<>(kafka.properties());
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return p;
    }
}
