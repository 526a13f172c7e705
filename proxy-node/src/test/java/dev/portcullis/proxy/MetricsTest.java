package dev.portcullis.proxy;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import org.junit.jupiter.api.Test;

/** What an operator scrapes from /q/metrics after real traffic. */
@QuarkusTest
@QuarkusTestResource(ProxyEnvironment.class)
class MetricsTest {

    @Test
    void trafficSessionsUpstreamAndAuditAreCounted() throws Exception {
        Clients.awaitListening("svc-scram");
        try (Connection c = Clients.jdbc("svc-scram", "alice"); PreparedStatement ps = c.prepareStatement("select ?::int")) {
            ps.setInt(1, 7);
            ps.executeQuery().close();
        }
        Clients.psql("svc-scram", "eve", "require", "select 1"); // refused
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String series : new String[] {
                "portcullis_proxy_messages_total{direction=\"from_client\",type=\"Parse\"}",
                "portcullis_proxy_messages_total{direction=\"from_client\",type=\"Bind\"}",
                "portcullis_proxy_messages_total{direction=\"to_client\",type=\"DataRow\"}",
                "portcullis_proxy_messages_total{direction=\"to_client\",type=\"ReadyForQuery\"}",
                "portcullis_proxy_bytes_total{direction=\"from_client\"}",
                "portcullis_proxy_bytes_total{direction=\"to_client\"}",
                "portcullis_proxy_sessions_total",
                "portcullis_proxy_sessions_refused_total{sqlstate=\"28000\"}",
                "portcullis_proxy_upstream_connect_seconds_count",
                "portcullis_proxy_audit_events_total{outcome=\"published\"}"}) {
            assertTrue(positive(metrics, series), series + " missing or zero in:\n" + metrics.lines()
                    .filter(l -> l.startsWith("portcullis_")).reduce("", (a, b) -> a + b + "\n"));
        }
        assertTrue(metrics.contains("portcullis_proxy_sessions_active"), "active sessions gauge");
    }

    private static boolean positive(String metrics, String series) {
        return metrics.lines().filter(l -> l.startsWith(series + " "))
                .anyMatch(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) > 0);
    }
}
