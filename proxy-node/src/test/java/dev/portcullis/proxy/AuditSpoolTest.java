package dev.portcullis.proxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Kafka stopped while sessions run: their events wait in the spool and arrive, in order, when it is back. */
@QuarkusTest
@QuarkusTestResource(ProxyEnvironment.class)
class AuditSpoolTest {

    @Test
    void noEventIsLostWhileKafkaIsDown() throws Exception {
        Clients.awaitListening("svc-scram");
        int queries = 50;
        ProxyEnvironment.kafka.stop();
        long stopped = System.nanoTime();
        try (Connection c = Clients.jdbc("svc-scram", "bob");
                Statement s = c.createStatement()) {
            for (int i = 0; i < queries; i++) {
                s.execute("select " + i + " as while_kafka_is_down");
            }
        } finally {
            ProxyEnvironment.kafka.start();
        }
        System.out.printf(
                "Kafka was down %d ms while %d queries ran%n", (System.nanoTime() - stopped) / 1_000_000, queries);
        try (AccessLogTopic topic = new AccessLogTopic()) {
            try {
                await().atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> texts(topic).size() == queries);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError(
                        "got " + texts(topic).size() + " of " + queries + " queries; bob's events: "
                                + topic.ofUser("bob").stream()
                                        .map(j -> j.at("/entry/info/postgres/type")
                                                .asText())
                                        .toList()
                                + "; all events: " + topic.poll().size(),
                        e);
            }
            List<String> texts = texts(topic);
            for (int i = 0; i < queries; i++) {
                assertEquals("select " + i + " as while_kafka_is_down", texts.get(i), "replayed in order");
            }
            Set<String> ids = topic.ofUser("bob").stream()
                    .map(e -> e.at("/metadata/id").asText())
                    .collect(Collectors.toSet());
            assertTrue(ids.size() >= queries + 2, "session start, queries and end all arrived");
        }
    }

    private static List<String> texts(AccessLogTopic topic) throws Exception {
        // duplicates are possible after a failed replay batch; the collector drops them by event id
        return topic.ofUser("bob").stream()
                // pgjdbc sends each statement with the extended protocol: its PARSE carries the text
                .filter(e -> e.at("/entry/info/postgres/parse/query").asText().endsWith("as while_kafka_is_down"))
                .collect(Collectors.toMap(
                        e -> e.at("/metadata/id").asText(),
                        (JsonNode e) -> e.at("/entry/info/postgres/parse/query").asText(),
                        (a, b) -> a,
                        java.util.LinkedHashMap::new))
                .values()
                .stream()
                .toList();
    }
}
