package dev.portcullis.apiserver.rest;

import static dev.portcullis.apiserver.Api.post;
import static dev.portcullis.apiserver.Api.secret;
import static dev.portcullis.apiserver.Api.service;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * {@code spec.config.postgres.requireAuth} (libpq's require_auth words) and
 * {@code allowedParameters} (names or namespaces, never an identity setting), validated naming
 * field, index and value.
 */
@QuarkusTest
class UpstreamSettingsValidationTest {

    @Test
    void requireAuthTakesLibpqsWordsOnly() {
        post("secrets", secret("ra-pw", "x")).statusCode(201);
        post("services", with(service("ra-ok", 15321, "ra-pw"), "requireAuth: [scram-sha-256, MD5]"))
                .statusCode(201)
                .body("spec.config.postgres.requireAuth[0]", equalTo("scram-sha-256"));
        post("services", with(service("ra-bad", 15322, "ra-pw"), "requireAuth: [scram, md5]"))
                .statusCode(422)
                .body(
                        "detail",
                        containsString("spec.config.postgres.requireAuth: unknown method \"scram\"; expected"
                                + " scram-sha-256, md5, password or none"));
    }

    @Test
    void allowedParametersAreNamesNeverIdentity() {
        post("secrets", secret("ap-pw", "x")).statusCode(201);
        post("services", with(service("ap-ok", 15331, "ap-pw"), "allowedParameters: [lc_messages, myapp.*]"))
                .statusCode(201)
                .body("spec.config.postgres.allowedParameters[1]", equalTo("myapp.*"));
        post("services", with(service("ap-role", 15332, "ap-pw"), "allowedParameters: [work_mem, role]"))
                .statusCode(422)
                .body(
                        "detail",
                        containsString("spec.config.postgres.allowedParameters[1]: \"role\" can never be allowed"));
        post("services", with(service("ap-bad", 15333, "ap-pw"), "allowedParameters: [\"work mem\"]"))
                .statusCode(422)
                .body(
                        "detail",
                        containsString("spec.config.postgres.allowedParameters[0]: \"work mem\" is not a parameter"
                                + " name"));
    }

    @Test
    void allowOptionsIsGoneWithAPointerToItsReplacement() {
        post("secrets", secret("ao-pw", "x")).statusCode(201);
        post("services", with(service("ao-on", 15341, "ao-pw"), "allowOptions: true"))
                .statusCode(422)
                .body("detail", containsString("spec.config.postgres.allowOptions: no longer exists"));
    }

    private static String with(String service, String field) {
        return service.replace("      sslMode: REQUIRE\n", "      sslMode: REQUIRE\n      " + field + "\n");
    }
}
