package dev.portcullis.proxy;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Kafka unreachable and a small spool filled up: a Service that refuses (the default) refuses new
 * sessions with 53000 (insufficient_resources) and says why; a Service with {@code audit.onSpoolFull: DROP} lets them in, and
 * their events are dropped, counted and logged. When Kafka is back the spool drains and sessions
 * are accepted again.
 */
@QuarkusTest
@TestProfile(AuditSpoolFullTest.SmallSpool.class)
@QuarkusTestResource(ProxyEnvironment.class)
class AuditSpoolFullTest {
    private static final String DROPPED = "portcullis_proxy_audit_events_total{outcome=\"dropped\"}";
    private static final String REFUSED =
            "portcullis_proxy_sessions_refused_total{reason=\"audit_spool_full\",sqlstate=\"53000\"}";

    /** A spool of a few events. */
    public static class SmallSpool implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("portcullis.audit.spool-max-bytes", "8192");
        }
    }

    @Test
    void refusingServicesRefuseAndDroppingServicesDropCountedAndLogged() throws Exception {
        ProxyEnvironment.service(
                "svc-spool-drop",
                "postgres://127.0.0.1:" + ProxyEnvironment.tlsPg.port(),
                "app_scram",
                "scram-pw",
                "PREFER",
                "",
                "PREFER",
                "  audit: {onSpoolFull: DROP}\n");
        ProxyEnvironment.user("spool-user", "[\"dev\"]");
        Clients.awaitListening("svc-scram");
        Clients.awaitListening("svc-spool-drop");
        session("svc-scram"); // both take sessions while Kafka is up
        session("svc-spool-drop");

        List<String> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(String.valueOf(r.getMessage()));
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger sinkLog = Logger.getLogger("dev.portcullis.proxy.audit.KafkaAuditSink");
        sinkLog.addHandler(capture);
        ProxyEnvironment.kafka.stop();
        try {
            double dropped = metric(DROPPED);
            // sessions on the DROP Service until the spool turns an event away
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        session("svc-spool-drop");
                        return metric(DROPPED) > dropped;
                    });

            SQLException refused = assertThrows(
                    SQLException.class,
                    () -> session("svc-scram"),
                    "a REFUSE Service takes no session whose events cannot be kept");
            assertEquals("53000", refused.getSQLState(), "insufficient_resources: " + refused.getMessage());
            assertTrue(refused.getMessage().contains("the audit trail cannot be kept right now"), refused.getMessage());
            assertTrue(metric(REFUSED) >= 1, REFUSED);

            double before = metric(DROPPED);
            session("svc-spool-drop"); // a DROP Service still takes sessions ...
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> metric(DROPPED) > before); // ... and counts what it drops
            assertTrue(logged.stream().anyMatch(m -> m.contains("audit spool full")), "a log line says so: " + logged);
        } finally {
            ProxyEnvironment.kafka.start();
            sinkLog.removeHandler(capture);
        }
        // Kafka is back: the spool drains, and the REFUSE Service takes sessions again
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> session("svc-scram"));
    }

    /** One session with a few statements; true when they all ran. */
    private static boolean session(String service) throws SQLException {
        try (Connection c = Clients.jdbc(service, "spool-user");
                Statement s = c.createStatement()) {
            for (int i = 0; i < 3; i++) {
                try (ResultSet rs = s.executeQuery("select " + i + " as filling_the_spool")) {
                    rs.next();
                }
            }
            return true;
        }
    }

    private static double metric(String series) {
        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines()
                .filter(l -> l.startsWith(series + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }
}
