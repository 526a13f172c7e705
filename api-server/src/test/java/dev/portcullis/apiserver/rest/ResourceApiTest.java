package dev.portcullis.apiserver.rest;

import static dev.portcullis.apiserver.Api.admin;
import static dev.portcullis.apiserver.Api.delete;
import static dev.portcullis.apiserver.Api.get;
import static dev.portcullis.apiserver.Api.post;
import static dev.portcullis.apiserver.Api.put;
import static dev.portcullis.apiserver.Api.secret;
import static dev.portcullis.apiserver.Api.service;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.portcullis.apiserver.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The management REST API end to end on the embedded H2 store (and on PostgreSQL: PostgresResourceApiTest). */
@QuarkusTest
class ResourceApiTest {

    @Test
    void managementCallsNeedTheAdminToken() {
        given().get("/api/v1/services")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("detail", containsString("Authorization: Bearer"));
        given().header("Authorization", "Bearer nope")
                .get("/api/v1/services")
                .then()
                .statusCode(401);
        given().header("Authorization", "Bearer " + Api.CLUSTER)
                .get("/api/v1/services")
                .then()
                .statusCode(403);
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void serviceLifecycleWithJsonYamlAndOptimisticConcurrency() {
        post("secrets", secret("life-pw", "x")).statusCode(201);
        String rv1 = post("services", service("life", 15001, "life-pw"))
                .statusCode(201)
                .body("metadata.uid", notNullValue())
                .body("spec.config.postgres.sslMode", equalTo("REQUIRE"))
                .extract()
                .path("metadata.resourceVersion");

        String yaml = admin().accept("application/yaml")
                .get("/api/v1/services/life")
                .then()
                .statusCode(200)
                .contentType(startsWith("application/yaml"))
                .extract()
                .asString();
        assertEquals(true, yaml.contains("port: 15001") && yaml.contains("sslMode: REQUIRE"), yaml);

        String rv2 = put("services", "life", service("life", 15002, "life-pw") + "  # comment\n")
                .statusCode(200)
                .body("spec.port", equalTo(15002))
                .extract()
                .path("metadata.resourceVersion");
        assertNotEquals(rv1, rv2);

        String stale = service("life", 15003, "life-pw")
                .replace("metadata: {name: life}", "metadata: {name: life, resourceVersion: \"" + rv1 + "\"}");
        put("services", "life", stale)
                .statusCode(409)
                .body("detail", allOf(containsString("metadata.resourceVersion"), containsString("stale")));
        String fresh = stale.replace(rv1, rv2);
        put("services", "life", fresh).statusCode(200).body("spec.port", equalTo(15003));

        admin().get("/api/v1/services")
                .then()
                .statusCode(200)
                .body("kind", equalTo("ServiceList"))
                .body("items.metadata.name", hasItem("life"));
        delete("services", "life").statusCode(204);
        get("services", "life").statusCode(404).body("detail", equalTo("Service \"life\" not found"));
    }

    @Test
    void validationErrorsNameTheFieldAndTheValue() {
        post("secrets", secret("val-pw", "x")).statusCode(201);
        post("services", service("val-a", 15101, "val-pw")).statusCode(201);

        post("services", service("val-b", 15102, "no-such-secret"))
                .statusCode(422)
                .body(
                        "detail",
                        containsString(
                                "spec.config.postgres.auth.password.fromSecret: Secret \"no-such-secret\" does not exist"));
        post("services", service("val-b", 15101, "val-pw"))
                .statusCode(422)
                .body("detail", containsString("spec.port: 15101 is already used by Service val-a"));
        post("services", service("val-b", 15102, "val-pw").replace("REQUIRE", "SOMETIMES"))
                .statusCode(422)
                .body(
                        "detail",
                        containsString("spec.config.postgres.sslMode: unknown value \"SOMETIMES\"; expected one of"
                                + " PREFER, REQUIRE, DISABLE, VERIFY_CA, VERIFY_FULL"));
        String badCel = service("val-b", 15102, "val-pw") + """
                  authorization:
                    inlinePolicies:
                      - name: p
                        spec:
                          rules:
                            - effect: ALLOW
                              condition: {match: 'ctx.user.metadata.name == '}
                """;
        post("services", badCel)
                .statusCode(422)
                .body(
                        "detail",
                        containsString(
                                "spec.authorization.inlinePolicies[0].spec.rules[0].condition.match: CEL expression does not compile:"
                                        + " line 1, column 27: mismatched input"));
        String unknownConfig = service("val-b", 15102, "val-pw") + """
                  dynamicConfig:
                    configs:
                      - name: prod
                        upstream: {url: "postgres://prod:5432"}
                        postgres: {user: prod, database: prod}
                    rules:
                      - condition: {matchAny: true}
                        configName: stage
                """;
        post("services", unknownConfig)
                .statusCode(422)
                .body(
                        "detail",
                        containsString(
                                "spec.dynamicConfig.rules[0].configName: \"stage\" names no config; configs are: prod"));
        post(
                        "services",
                        service("val-b", 15102, "val-pw") + "  audit: {onSpoolFull: IGNORE}\n"
                                + "  sessionLimits: {idleTimeout: soon}\n")
                .statusCode(422)
                .body(
                        "detail",
                        allOf(
                                containsString(
                                        "spec.audit.onSpoolFull: unknown value \"IGNORE\"; expected one of REFUSE, DROP"),
                                containsString("spec.sessionLimits.idleTimeout: invalid duration \"soon\"")));
        post("services", service("Bad_Name", 15102, "val-pw"))
                .statusCode(422)
                .body("detail", containsString("metadata.name: \"Bad_Name\" is not a valid name"));
        post("services", "kind: Service\nmetadata: {name: x}\nspec: {prot: 1}\n")
                .statusCode(400)
                .body("detail", containsString("prot"));
        post("services", "kind: [oops\n").statusCode(400).body("detail", startsWith("not valid YAML or JSON"));
        post(
                        "policies",
                        "metadata: {name: val-p}\nspec:\n  rules:\n    - {effect: MAYBE, priority: 9, condition: {}}\n")
                .statusCode(422)
                .body(
                        "detail",
                        allOf(
                                containsString("spec.rules[0].effect: unknown value \"MAYBE\""),
                                containsString("spec.rules[0].priority: 9 is out of range -4..4"),
                                containsString("spec.rules[0].condition: empty condition")));
        admin().get("/api/v1/databases").then().statusCode(404).body("detail", containsString("unknown resource type"));
    }

    @Test
    void celExpressionsAreCappedAt4KiB() {
        String prefix = "ctx.user.metadata.name == ";
        String fits = prefix + "'" + "a".repeat(4_096 - prefix.length() - 2) + "'";
        String over = prefix + "'" + "a".repeat(5_000 - prefix.length() - 2) + "'";
        String policy = "{\"metadata\":{\"name\":\"%s\"},\"spec\":{\"rules\":[{\"effect\":\"ALLOW\","
                + "\"condition\":{\"all\":{\"of\":[{\"matchAny\":true},{\"not\":\"%s\"}]}}}]}}";
        post("policies", policy.formatted("cap-fits", fits)).statusCode(201);
        post("policies", policy.formatted("cap-over", over))
                .statusCode(422)
                .body(
                        "detail",
                        allOf(
                                containsString("spec.rules[0].condition.all.of[1].not: CEL expression is too long:"
                                        + " 5000 characters; the most is 4096"),
                                not(containsString("aaaa"))));
        get("policies", "cap-over").statusCode(404);
    }

    @Test
    void secretValuesAreNeverReturnedAndReferencedSecretsCannotBeDeleted() {
        String value = "do-not-show-" + System.nanoTime();
        post("secrets", secret("hidden-pw", value))
                .statusCode(201)
                .body("data", nullValue())
                .body(not(containsString(value)));
        get("secrets", "hidden-pw").statusCode(200).body("data", nullValue()).body(not(containsString(value)));
        admin().get("/api/v1/secrets").then().body(not(containsString(value)));
        admin().accept("application/yaml")
                .get("/api/v1/secrets/hidden-pw")
                .then()
                .body(not(containsString(value)));

        post("services", service("uses-hidden", 15201, "hidden-pw")).statusCode(201);
        delete("secrets", "hidden-pw")
                .statusCode(409)
                .body("detail", containsString("still used by Service uses-hidden"));
        // rotation: a new value through PUT; a PUT without a value keeps the old one
        put("secrets", "hidden-pw", secret("hidden-pw", value + "-2"))
                .statusCode(200)
                .body("data", nullValue());
        put("secrets", "hidden-pw", "{\"metadata\":{\"description\":\"rotated\"}}")
                .statusCode(200);
        post("secrets", "{\"metadata\":{\"name\":\"empty-pw\"}}")
                .statusCode(422)
                .body("detail", containsString("data.value: missing"));
    }

    @Test
    void sessionsReturnTheirTokenOnceAndFollowTheirUser() {
        post("users", "{\"metadata\":{\"name\":\"sess-user\"},\"spec\":{\"groups\":[\"dev\"]}}")
                .statusCode(201);
        String token = post("sessions", "{\"spec\":{\"user\":\"sess-user\",\"ttl\":\"2h\"}}")
                .statusCode(201)
                .header("Cache-Control", "no-store")
                .body("session.metadata.name", startsWith("sess-user-"))
                .body("session.status.expiresAt", notNullValue())
                .body("session.status.tokenHash", nullValue())
                .extract()
                .path("accessToken");
        String name = admin().get("/api/v1/sessions").then().extract().path("items[0].metadata.name");
        get("sessions", name)
                .statusCode(200)
                .body(not(containsString(token)))
                .body("status.tokenHash", nullValue())
                .body("accessToken", nullValue());

        post("sessions", "{\"spec\":{\"user\":\"nobody\"}}")
                .statusCode(422)
                .body("detail", containsString("spec.user: User \"nobody\" does not exist"));
        post("sessions", "{\"spec\":{\"user\":\"sess-user\",\"ttl\":\"forever\"}}")
                .statusCode(422)
                .body("detail", containsString("spec.ttl: invalid duration \"forever\""));
        post("sessions", "{\"spec\":{\"user\":\"sess-user\",\"ttl\":\"90d\"}}")
                .statusCode(422)
                .body("detail", containsString("longer than the maximum, 30d"));
        put("sessions", name, "{\"spec\":{\"user\":\"sess-user\"}}").statusCode(405);

        delete("users", "sess-user").statusCode(204);
        get("sessions", name).statusCode(404);
    }

    @Test
    void renamingThroughPutIsRefused() {
        post("groups", "{\"metadata\":{\"name\":\"ren-a\"}}").statusCode(201);
        put("groups", "ren-a", "{\"metadata\":{\"name\":\"ren-b\"}}")
                .statusCode(400)
                .body("detail", containsString("does not match the name in the path"));
        put("groups", "ren-missing", "{\"metadata\":{\"name\":\"ren-missing\"}}")
                .statusCode(404);
        post("groups", "{\"metadata\":{\"name\":\"ren-a\"}}")
                .statusCode(409)
                .body("detail", containsString("already exists"));
    }
}
