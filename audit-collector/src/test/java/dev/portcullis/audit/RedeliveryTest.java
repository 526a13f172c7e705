package dev.portcullis.audit;

import static dev.portcullis.audit.AccessLogSearchTest.metric;
import static dev.portcullis.audit.Api.allIds;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.audit.ingest.FaultInjection;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A failure between the database commit and the Kafka offset commit — where a crash hurts most —
 * makes the consumer read the batch again: every event is then found exactly once.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
class RedeliveryTest {
    @Inject
    FaultInjection faults;

    @Test
    void aBatchReadAgainAfterItsCommitIsStoredOnce() {
        String svc = "redelivered-" + UUID.randomUUID().toString().substring(0, 8);
        double duplicatesBefore = metric("portcullis_audit_events_duplicates_total");
        double failuresBefore = metric("portcullis_audit_batch_failures_total");
        List<String> sent = new ArrayList<>();
        faults.failAfterDatabaseCommit(2);
        try (Publisher kafka = Publisher.toTestBroker()) {
            String conn = "conn-" + svc;
            for (int i = 0; i < 50; i++) {
                var e = TestEvents.event().service(svc).connection(conn).query("select " + i);
                kafka.sendAsync(conn, e.json());
                sent.add(e.id());
            }
            kafka.flush();
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> metric("portcullis_audit_batch_failures_total") - failuresBefore >= 2
                        && allIds(Map.of("service", svc), 1000).size() == 50);
        assertEquals(sent, allIds(Map.of("service", svc), 1000), "each event once, in order");
        assertTrue(
                metric("portcullis_audit_events_duplicates_total") - duplicatesBefore >= 1,
                "the redelivered batch was recognised as already stored");
    }
}
