package dev.portcullis.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.v1.AuthorizeRequest;
import dev.portcullis.api.v1.AuthorizeResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Writes through the API change decisions within a second, with no call to api-server per decision. */
@QuarkusTest
@WithTestResource(value = RunningApiServer.class, scope = TestResourceScope.MATCHING_RESOURCES)
class LiveChangesTest {

    @Test
    void anEditedPolicyChangesTheDecisionWithinOneSecond() {
        ApiServerClient.post("secrets", "{\"metadata\":{\"name\":\"live-pw\"},\"data\":{\"value\":\"x\"}}");
        ApiServerClient.post("users", "{\"metadata\":{\"name\":\"live-user\"},\"spec\":{\"groups\":[\"dev\"]}}");
        ApiServerClient.post("policies", policy("live-policy", "ALLOW"));
        ApiServerClient.post("services", """
                kind: Service
                metadata: {name: live-svc}
                spec:
                  mode: POSTGRES
                  port: 22001
                  config:
                    upstream: {url: "postgres://db.internal:5432"}
                    postgres: {user: postgres, database: db01, auth: {password: {fromSecret: live-pw}}}
                  authorization: {policies: [live-policy]}
                """);
        String token = ApiServerClient.session("live-user", "1h");
        try (Authorizer authz = new Authorizer()) {
            AuthorizeResponse before = Awaiting.until(
                    () -> authz.connect(token, "live-svc", "u", "d"),
                    AuthorizeResponse::getAuthorized,
                    Duration.ofSeconds(2));
            assertTrue(before.getAuthorized());

            long edited = System.nanoTime();
            ApiServerClient.put("policies", "live-policy", policy("live-policy", "DENY"));
            AuthorizeResponse after = Awaiting.until(
                    () -> authz.connect(token, "live-svc", "u", "d"), r -> !r.getAuthorized(), Duration.ofSeconds(5));
            assertEquals("DENY", after.getReason().getDetails().getPolicyMatch().getEffect());
            System.out.printf("policy edit took effect in %d ms%n", (System.nanoTime() - edited) / 1_000_000);

            String sessionName = after.getSessionRef().getName();
            long deleted = System.nanoTime();
            ApiServerClient.delete("sessions", sessionName);
            AuthorizeResponse gone = Awaiting.until(
                    () -> authz.connect(token, "live-svc", "u", "d"),
                    r -> !r.getAuthenticated(),
                    Duration.ofSeconds(5));
            assertEquals("NOT_AUTHENTICATED", gone.getReason().getType());
            System.out.printf("session delete took effect in %d ms%n", (System.nanoTime() - deleted) / 1_000_000);
        }
    }

    @Test
    void expiredAndUnknownTokensAreNotAuthenticated() {
        ApiServerClient.post("users", "{\"metadata\":{\"name\":\"short-user\"}}");
        String token = ApiServerClient.session("short-user", "1s");
        try (Authorizer authz = new Authorizer()) {
            AuthorizeResponse expired = Awaiting.until(
                    () -> authz.connect(token, "live-svc", "u", "d"),
                    r -> "SESSION_EXPIRED".equals(r.getReason().getType()),
                    Duration.ofSeconds(3));
            assertFalse(expired.getAuthenticated());
            assertTrue(expired.getReason().getMessage().contains("has expired"));

            AuthorizeResponse unknown = authz.connect("pct_not-a-real-token", "live-svc", "u", "d");
            assertFalse(unknown.getAuthenticated());
            assertEquals("NOT_AUTHENTICATED", unknown.getReason().getType());
            assertFalse(unknown.getAuthorized());
        }
    }

    @Test
    void onlyProxyNodesMayAsk() {
        try (Authorizer authz = new Authorizer()) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(
                    StatusRuntimeException.class,
                    () -> authz.stub(RunningApiServer.CLUSTER).authorize(AuthorizeRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
        }
    }

    private static String policy(String name, String effect) {
        return "metadata: {name: " + name + "}\nspec: {rules: [{effect: " + effect
                + ", condition: {matchAny: true}}]}\n";
    }
}
