package dev.portcullis.audit;

import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Publishes events the way a proxy node does: topic portcullis.accesslogs, key = connectionID. */
public final class Publisher implements AutoCloseable {
    public static final String TOPIC = "portcullis.accesslogs";
    private final KafkaProducer<String, String> producer;

    public Publisher(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producer = new KafkaProducer<>(p);
    }

    public static Publisher toTestBroker() {
        return new Publisher(KafkaResource.broker().bootstrapServers());
    }

    /** Sends and waits for the broker's acknowledgement. */
    public void send(String connectionId, String json) {
        try {
            producer.send(new ProducerRecord<>(TOPIC, connectionId, json)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    public void send(TestEvents.Builder event) {
        var built = event.build();
        send(built.getEntry().getCommon().getConnectionId(), event.json());
    }

    /** Sends without waiting; {@link #flush()} waits for all. */
    public void sendAsync(String connectionId, String json) {
        producer.send(new ProducerRecord<>(TOPIC, connectionId, json));
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
