package dev.portcullis.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testkit.Ports;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Live sessions end when their Session, User or policy says so, and at their Service's limits,
 * each with the FATAL ErrorResponse (SQLSTATE and message) the client reads before the close.
 */
@QuarkusTest
@QuarkusTestResource(ProxyEnvironment.class)
class LiveSessionControlTest {

    @Test
    void revokedSessionClosesItsLiveConnectionsWithinFiveSeconds() throws Exception {
        user("revokee", "dev", "1h");
        try (WireSession s = WireSession.login("svc-scram", "revokee")) {
            long revoked = System.nanoTime();
            ProxyEnvironment.delete("sessions", "revokee-s");
            assertEquals(
                    "28P01: terminating connection: Session revokee-s was revoked: the access token is not valid",
                    s.nextError());
            assertWithinFiveSeconds(revoked, "revoked session");
            assertTrue(s.closedByServer());
        }
        SQLException refused = assertThrows(SQLException.class, () -> Clients.jdbc("svc-scram", "revokee"));
        assertEquals("28P01", refused.getSQLState());
    }

    @Test
    void deletedUserAndPolicyThatNowDeniesCloseSessions() throws Exception {
        user("leaver", "dev", "1h");
        user("stayer", "dev", "1h");
        int port = Ports.freePort();
        ProxyEnvironment.post("services", service("svc-policy-live", port, "ALLOW", ""));
        ProxyEnvironment.PORTS.put("svc-policy-live", port);
        Clients.awaitListening("svc-policy-live");
        try (WireSession leaver = WireSession.login("svc-scram", "leaver");
                WireSession stayer = WireSession.login("svc-policy-live", "stayer")) {
            long deleted = System.nanoTime();
            ProxyEnvironment.delete("users", "leaver");
            // deleting a User deletes its Sessions too: policy-service may see either first
            String fatal = leaver.nextError();
            assertTrue(fatal.startsWith("28P01: terminating connection: User leaver was deleted: "), fatal);
            assertWithinFiveSeconds(deleted, "deleted user");
            assertTrue(leaver.closedByServer());
            assertEquals('I', last(stayer.query("select 1")).status(), "other users' sessions go on");

            long changed = System.nanoTime();
            ProxyEnvironment.put("services", "svc-policy-live", service("svc-policy-live", port, "DENY", ""));
            assertEquals(
                    "28000: terminating connection: no longer authorized: denied by inline policy live of"
                            + " Service svc-policy-live.default, rule 0",
                    stayer.nextError());
            assertWithinFiveSeconds(changed, "policy change");
            assertTrue(stayer.closedByServer());
        }
    }

    @Test
    void expiredSessionIsClosedWhenItsTtlEnds() throws Exception {
        user("expiring", "dev", "3s");
        try (WireSession s = WireSession.login("svc-scram", "expiring")) {
            long opened = System.nanoTime();
            assertEquals('I', last(s.query("select 1")).status());
            assertEquals("28P01: terminating connection: Session expiring-s has expired", s.nextError());
            long lived = (System.nanoTime() - opened) / 1_000_000;
            assertTrue(lived < 4_000, "closed " + lived + " ms after login, the TTL is 3 s");
            assertTrue(s.closedByServer());
        }
    }

    @Test
    void revocationWhilePolicyServiceIsDownIsEnforcedOnceItIsBack() throws Exception {
        user("outage", "dev", "1h");
        try (WireSession s = WireSession.login("svc-scram", "outage")) {
            ProxyEnvironment.policyService.stop();
            try {
                ProxyEnvironment.delete("sessions", "outage-s");
                // the re-check cannot get an answer: the session goes on meanwhile
                long until = System.nanoTime() + 2_000_000_000L;
                while (System.nanoTime() < until) {
                    assertEquals('I', last(s.query("select 1")).status(), "live sessions go on without policy-service");
                }
            } finally {
                ProxyEnvironment.policyService.start();
            }
            long back = System.nanoTime();
            assertEquals(
                    "28P01: terminating connection: Session outage-s was revoked: the access token is not valid",
                    s.nextError(),
                    "the re-check was retried until policy-service answered");
            long waited = (System.nanoTime() - back) / 1_000_000;
            assertTrue(waited < 10_000, "closed " + waited + " ms after policy-service came back");
        }
    }

    @Test
    void idleTimeoutLifetimeAndConnectionLimit() throws Exception {
        user("limited", "dev", "1h");
        int port = Ports.freePort();
        ProxyEnvironment.post(
                "services",
                service(
                        "svc-limits",
                        port,
                        "ALLOW",
                        "  sessionLimits: {idleTimeout: 2s, maxLifetime: 6s, maxConnectionsPerUser: 2}\n"));
        ProxyEnvironment.PORTS.put("svc-limits", port);
        Clients.awaitListening("svc-limits");

        try (WireSession busy = WireSession.login("svc-limits", "limited");
                WireSession idle = WireSession.login("svc-limits", "limited")) {
            long opened = System.nanoTime();
            SQLException third = assertThrows(SQLException.class, () -> Clients.jdbc("svc-limits", "limited"));
            assertEquals("53300", third.getSQLState());
            assertTrue(
                    third.getMessage()
                            .contains("User limited already has 2 connections to Service svc-limits through"
                                    + " this proxy node, the limit"),
                    third.getMessage());

            // a 3 s query is not idleness; the other connection, silent, is cut after ~2 s
            assertEquals('I', last(busy.query("select pg_sleep(3)")).status());
            assertEquals("57P05: terminating connection due to idle-session timeout (2s)", idle.nextError());
            assertTrue(idle.closedByServer());

            // the busy one works until its 6 s lifetime ends it, in the middle of a query
            busy.send(new dev.portcullis.pgwire.message.frontend.Query("select pg_sleep(10)"));
            assertEquals(
                    "57P01: terminating connection: the session reached its maximum lifetime (6s)", busy.nextError());
            long lived = (System.nanoTime() - opened) / 1_000_000;
            assertTrue(lived >= 5_000 && lived < 9_000, "lifetime ended the session after " + lived + " ms");
            assertTrue(busy.closedByServer());
        }
        try (WireSession again = WireSession.login("svc-limits", "limited")) {
            assertEquals('I', last(again.query("select 1")).status(), "slots are released when sessions end");
        }
    }

    private static void assertWithinFiveSeconds(long since, String what) {
        long ms = (System.nanoTime() - since) / 1_000_000;
        assertTrue(ms < 5_000, what + ": closed after " + ms + " ms");
    }

    private static WireSession.Message last(List<WireSession.Message> messages) {
        return messages.get(messages.size() - 1);
    }

    /** A User in one group, with a Session named {@code <name>-s}; its token goes into the shared map. */
    private static void user(String name, String group, String ttl) {
        ProxyEnvironment.post(
                "users", "{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"groups\":[\"" + group + "\"]}}");
        ProxyEnvironment.TOKENS.put(
                name,
                ProxyEnvironment.post(
                                "sessions",
                                "{\"metadata\":{\"name\":\"" + name + "-s\"},\"spec\":{\"user\":\"" + name
                                        + "\",\"ttl\":\"" + ttl + "\"}}")
                        .get("accessToken")
                        .asText());
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
