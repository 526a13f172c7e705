package dev.portcullis.policy;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.v1.AuthorizeResponse;
import dev.portcullis.testkit.AdminApi;
import dev.portcullis.testkit.QuarkusService;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The policy-service's replica over its life: not ready before its first sync from api-server,
 * ready after; and once synced, it decides with api-server gone (no call to api-server per
 * decision). The policy-service starts while its api-server is not yet running
 * ({@link LateApiServer}); the tests run in order because the first needs a replica that has
 * never synced.
 */
@QuarkusTest
@WithTestResource(value = LateApiServer.class, scope = TestResourceScope.RESTRICTED_TO_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicaLifecycleTest {
    private static final String REPLICA_CHECK = "checks.find { it.name == 'api-server replica' }.status";

    @Test
    @Order(1)
    void notReadyBeforeTheFirstSyncReadyAfter() {
        given().get("/q/health/ready").then().statusCode(503).body(REPLICA_CHECK, equalTo("DOWN"));

        LateApiServer.startApiServer();
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> given().get("/q/health/ready").statusCode() == 200);
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body(REPLICA_CHECK, equalTo("UP"));
    }

    @Test
    @Order(2)
    void decidesWithApiServerGone() {
        QuarkusService apiServer = LateApiServer.startApiServer();
        AdminApi admin = LateApiServer.admin();
        admin.post("secrets", AdminApi.secret("gone-pw", "x"));
        admin.post("users", "{\"metadata\":{\"name\":\"gone-dev\"},\"spec\":{\"groups\":[\"dev\"]}}");
        admin.post("users", "{\"metadata\":{\"name\":\"gone-ops\"},\"spec\":{\"groups\":[\"ops\"]}}");
        admin.post("services", """
                kind: Service
                metadata: {name: gone-svc}
                spec:
                  mode: POSTGRES
                  port: 23001
                  config:
                    upstream: {url: "postgres://db.internal:5432"}
                    postgres: {user: postgres, database: db01, auth: {password: {fromSecret: gone-pw}}}
                  authorization:
                    inlinePolicies:
                      - {name: devs, spec: {rules: [{effect: ALLOW, condition: {match: '"dev" in ctx.user.spec.groups'}}]}}
                """);
        String dev = admin.session("gone-dev", "1h");
        String ops = admin.session("gone-ops", "1h");

        try (Authorizer authz = new Authorizer()) {
            AuthorizeResponse before = Awaiting.until(
                    () -> authz.connect(dev, "gone-svc", "u", "d"),
                    AuthorizeResponse::getAuthorized,
                    Duration.ofSeconds(2));
            assertEquals(
                    "devs",
                    before.getReason()
                            .getDetails()
                            .getPolicyMatch()
                            .getInlinePolicy()
                            .getName());
            Awaiting.decision(() -> authz.connect(ops, "gone-svc", "u", "d"));

            apiServer.kill();
            assertFalse(apiServer.isRunning());

            AuthorizeResponse allowed = authz.connect(dev, "gone-svc", "u", "d");
            assertTrue(allowed.getAuthenticated(), allowed.toString());
            assertTrue(allowed.getAuthorized(), allowed.toString());
            assertEquals(
                    "devs",
                    allowed.getReason()
                            .getDetails()
                            .getPolicyMatch()
                            .getInlinePolicy()
                            .getName());
            AuthorizeResponse denied = authz.connect(ops, "gone-svc", "u", "d");
            assertTrue(denied.getAuthenticated(), denied.toString());
            assertFalse(denied.getAuthorized(), denied.toString());
            assertEquals("NO_POLICY_MATCH", denied.getReason().getType());
        }
    }
}
