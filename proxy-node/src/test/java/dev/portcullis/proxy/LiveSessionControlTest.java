package dev.portcullis.proxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testkit.Ports;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Live sessions end when their Session, User or policy says so, and at their Service's limits. */
@QuarkusTest
@QuarkusTestResource(ProxyEnvironment.class)
class LiveSessionControlTest {

    @Test
    void revokedSessionClosesItsLiveConnectionsWithinFiveSeconds() throws Exception {
        String token = user("revokee", "dev");
        try (Connection c = connect("svc-scram", token)) {
            long revoked = System.nanoTime();
            ProxyEnvironment.delete("sessions", "revokee-s");
            await().atMost(Duration.ofSeconds(5)).until(() -> !c.isValid(1));
            System.out.printf("revoked session closed after %d ms%n", (System.nanoTime() - revoked) / 1_000_000);
        }
        SQLException refused = assertThrows(SQLException.class, () -> connect("svc-scram", token));
        assertEquals("28P01", refused.getSQLState());
    }

    @Test
    void deletedUserAndPolicyThatNowDeniesCloseSessions() throws Exception {
        String gone = user("leaver", "dev");
        String stays = user("stayer", "dev");
        int port = Ports.freePort();
        ProxyEnvironment.post("services", service("svc-policy-live", port, "ALLOW", ""));
        ProxyEnvironment.PORTS.put("svc-policy-live", port);
        Clients.awaitListening("svc-policy-live");
        try (Connection leaver = connect("svc-scram", gone); Connection stayer = connect("svc-policy-live", stays)) {
            ProxyEnvironment.delete("users", "leaver");
            await().atMost(Duration.ofSeconds(5)).until(() -> !leaver.isValid(1));
            assertTrue(stayer.isValid(1), "other users' sessions go on");

            ProxyEnvironment.put("services", "svc-policy-live", service("svc-policy-live", port, "DENY", ""));
            await().atMost(Duration.ofSeconds(5)).until(() -> !stayer.isValid(1));
        }
    }

    @Test
    void idleTimeoutLifetimeAndConnectionLimit() throws Exception {
        String token = user("limited", "dev");
        int port = Ports.freePort();
        ProxyEnvironment.post("services", service("svc-limits", port, "ALLOW",
                "  sessionLimits: {idleTimeout: 2s, maxLifetime: 6s, maxConnectionsPerUser: 2}\n"));
        ProxyEnvironment.PORTS.put("svc-limits", port);
        Clients.awaitListening("svc-limits");

        try (Connection busy = connect("svc-limits", token); Connection idle = connect("svc-limits", token)) {
            long opened = System.nanoTime();
            SQLException third = assertThrows(SQLException.class, () -> connect("svc-limits", token));
            assertEquals("53300", third.getSQLState());
            assertTrue(third.getMessage().contains("limit"), third.getMessage());

            // a 3 s query is not idleness; the other connection, silent, is cut after ~2 s
            busy.createStatement().execute("select pg_sleep(3)");
            await().atMost(Duration.ofSeconds(5)).until(() -> !idle.isValid(1));
            assertTrue(busy.isValid(1));

            // the busy one keeps working until its 6 s lifetime ends it
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
                try {
                    busy.createStatement().execute("select 1");
                    return false;
                } catch (SQLException ended) {
                    return true;
                }
            });
            long lived = (System.nanoTime() - opened) / 1_000_000;
            assertTrue(lived >= 5_000 && lived < 9_000, "lifetime ended the session after " + lived + " ms");
        }
        try (Connection again = connect("svc-limits", token)) {
            assertTrue(again.isValid(1), "slots are released when sessions end");
        }
    }

    private static Connection connect(String service, String token) throws SQLException {
        ProxyEnvironment.TOKENS.put("__current", token);
        return Clients.jdbc(service, "__current");
    }

    private static String user(String name, String group) {
        ProxyEnvironment.post("users", "{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"groups\":[\"" + group + "\"]}}");
        return ProxyEnvironment.post("sessions", "{\"metadata\":{\"name\":\"" + name + "-s\"},\"spec\":{\"user\":\"" + name
                + "\",\"ttl\":\"1h\"}}").get("accessToken").asText();
    }

    private static String service(String name, int port, String effect, String extra) {
        return """
                kind: Service
                metadata: {name: %s}
                spec:
                  mode: POSTGRES
                  port: %d
                  config:
                    upstream: {url: "postgres://127.0.0.1:%d"}
                    postgres: {user: app_scram, database: app, auth: {password: {fromSecret: scram-pw}}}
                  authorization:
                    inlinePolicies:
                      - {name: live, spec: {rules: [{effect: %s, condition: {match: '"dev" in ctx.user.spec.groups'}}]}}
                %s""".formatted(name, port, ProxyEnvironment.tlsPg.port(), effect, extra);
    }

}
