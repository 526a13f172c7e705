package dev.portcullis.policy;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** What an operator scrapes from policy-service's /q/metrics after Authorize calls: decisions by outcome, and their latency. */
@QuarkusTest
@WithTestResource(value = RunningApiServer.class, scope = TestResourceScope.MATCHING_RESOURCES)
class DecisionMetricsTest {
    private static final String ALLOWED =
            "portcullis_policy_decisions_total{authorized=\"true\",reason=\"POLICY_MATCH\"}";
    private static final String DENIED =
            "portcullis_policy_decisions_total{authorized=\"false\",reason=\"NO_POLICY_MATCH\"}";
    private static final String LATENCY_COUNT = "portcullis_policy_decision_latency_seconds_count";

    @Test
    void eachAuthorizeIsCountedByOutcomeAndTimed() {
        ApiServerClient.post("secrets", "{\"metadata\":{\"name\":\"metrics-pw\"},\"data\":{\"value\":\"x\"}}");
        ApiServerClient.post("services", """
                kind: Service
                metadata: {name: svc-metrics}
                spec:
                  mode: POSTGRES
                  port: 21900
                  config:
                    upstream: {url: "postgres://db.internal:5432"}
                    postgres: {user: postgres, database: db01, auth: {password: {fromSecret: metrics-pw}}}
                  authorization:
                    inlinePolicies:
                      - name: devs
                        spec: {rules: [{effect: ALLOW, condition: {match: '"dev" in ctx.user.spec.groups'}}]}
                """);
        ApiServerClient.post("users", "{\"metadata\":{\"name\":\"metrics-dev\"},\"spec\":{\"groups\":[\"dev\"]}}");
        ApiServerClient.post("users", "{\"metadata\":{\"name\":\"metrics-other\"},\"spec\":{\"groups\":[]}}");
        String dev = ApiServerClient.session("metrics-dev", "1h");
        String other = ApiServerClient.session("metrics-other", "1h");
        try (Authorizer authz = new Authorizer()) {
            // until the replica knows both (these calls are counted too, so they come before the baseline)
            assertTrue(Awaiting.until(
                            () -> authz.connect(dev, "svc-metrics", "u", "d"),
                            r -> r.getAuthorized(),
                            java.time.Duration.ofSeconds(5))
                    .getAuthorized());
            Awaiting.decision(() -> authz.connect(other, "svc-metrics", "u", "d"));

            String before = metrics();
            assertTrue(authz.connect(dev, "svc-metrics", "u", "d").getAuthorized());
            assertFalse(authz.connect(other, "svc-metrics", "u", "d").getAuthorized());
            String after = metrics();

            assertEquals(value(before, ALLOWED) + 1, value(after, ALLOWED), ALLOWED + " in\n" + after);
            assertEquals(value(before, DENIED) + 1, value(after, DENIED), DENIED + " in\n" + after);
            assertEquals(value(before, LATENCY_COUNT) + 2, value(after, LATENCY_COUNT), LATENCY_COUNT);
            assertTrue(value(after, "portcullis_policy_decision_latency_seconds_sum") > 0, "latency recorded");
            assertTrue(
                    after.contains("portcullis_policy_decision_latency_seconds{quantile=\"0.99\"}"), "p99 published");
        }
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The series' value, 0 when it is not there yet. */
    private static double value(String metrics, String series) {
        return metrics.lines()
                .filter(l -> l.startsWith(series + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }
}
