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
        try (Connection c = Clients.jdbc("svc-scram", "alice");
                PreparedStatement ps = c.prepareStatement("select ?::int")) {
            ps.setInt(1, 7);
            ps.executeQuery().close();
        }
        Clients.psql("svc-scram", "eve", "require", "select 1"); // refused
        // the per-user connection limit: the second session of one User is refused with 53300
        int port = dev.portcullis.testkit.Ports.freePort();
        ProxyEnvironment.post("services", """
                kind: Service
                metadata: {name: svc-one-each}
                spec:
                  mode: POSTGRES
                  port: %d
                  config:
                    upstream: {url: "postgres://127.0.0.1:%d"}
                    postgres: {user: app_scram, database: app, auth: {password: {fromSecret: scram-pw}}}
                  authorization: {policies: [devs]}
                  sessionLimits: {maxConnectionsPerUser: 1}
                """.formatted(port, ProxyEnvironment.tlsPg.port()));
        ProxyEnvironment.PORTS.put("svc-one-each", port);
        Clients.awaitListening("svc-one-each");
        try (Connection first = Clients.jdbc("svc-one-each", "alice")) {
            java.sql.SQLException second = org.junit.jupiter.api.Assertions.assertThrows(
                    java.sql.SQLException.class,
                    () -> Clients.jdbc("svc-one-each", "alice").close());
            org.junit.jupiter.api.Assertions.assertEquals("53300", second.getSQLState(), second.getMessage());
        }
        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String series : new String[] {
            "portcullis_proxy_messages_total{direction=\"from_client\",type=\"Parse\"}",
            "portcullis_proxy_messages_total{direction=\"from_client\",type=\"Bind\"}",
            "portcullis_proxy_messages_total{direction=\"to_client\",type=\"DataRow\"}",
            "portcullis_proxy_messages_total{direction=\"to_client\",type=\"ReadyForQuery\"}",
            "portcullis_proxy_bytes_total{direction=\"from_client\"}",
            "portcullis_proxy_bytes_total{direction=\"to_client\"}",
            "portcullis_proxy_sessions_total",
            // refusals by SQLSTATE and why
            "portcullis_proxy_sessions_refused_total{reason=\"not_authorized\",sqlstate=\"28000\"}",
            "portcullis_proxy_sessions_refused_total{reason=\"connection_limit\",sqlstate=\"53300\"}",
            "portcullis_proxy_upstream_connect_seconds_count",
            "portcullis_proxy_audit_events_total{outcome=\"published\"}"
        }) {
            assertTrue(
                    positive(metrics, series),
                    series + " missing or zero in:\n"
                            + metrics.lines()
                                    .filter(l -> l.startsWith("portcullis_"))
                                    .reduce("", (a, b) -> a + b + "\n"));
        }
        assertTrue(metrics.contains("portcullis_proxy_sessions_active"), "active sessions gauge");
    }

    private static boolean positive(String metrics, String series) {
        return metrics.lines()
                .filter(l -> l.startsWith(series + " "))
                .anyMatch(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) > 0);
    }
}
