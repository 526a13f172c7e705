package dev.portcullis.audit;

import dev.portcullis.testkit.KafkaBroker;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** A real Kafka broker (testkit, its own process) for the app under test and the tests' producers. */
public class KafkaResource implements QuarkusTestResourceLifecycleManager {
    private static volatile KafkaBroker broker;

    @Override
    public Map<String, String> start() {
        broker = KafkaBroker.startDefault();
        return Map.of("portcullis.kafka.bootstrap-servers", broker.bootstrapServers());
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    public static KafkaBroker broker() {
        return broker;
    }
}
