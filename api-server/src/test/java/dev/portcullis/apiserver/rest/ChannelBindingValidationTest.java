package dev.portcullis.apiserver.rest;

import static dev.portcullis.apiserver.Api.post;
import static dev.portcullis.apiserver.Api.secret;
import static dev.portcullis.apiserver.Api.service;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** {@code spec.config.postgres.channelBinding}: PREFER (default) | REQUIRE | DISABLE, as libpq's. */
@QuarkusTest
class ChannelBindingValidationTest {

    @Test
    void acceptsTheThreeModesAndRejectsAnythingElseNamingFieldAndValue() {
        post("secrets", secret("cb-pw", "x")).statusCode(201);
        post("services", withBinding(service("cb-req", 15301, "cb-pw"), "REQUIRE"))
                .statusCode(201)
                .body("spec.config.postgres.channelBinding", equalTo("REQUIRE"));
        post("services", withBinding(service("cb-dis", 15302, "cb-pw"), "disable"))
                .statusCode(201);
        post("services", withBinding(service("cb-bad", 15303, "cb-pw"), "ALWAYS"))
                .statusCode(422)
                .body(
                        "detail",
                        containsString("spec.config.postgres.channelBinding: unknown value \"ALWAYS\"; expected"
                                + " one of PREFER, REQUIRE, DISABLE"));
    }

    @Test
    void requireWithoutTlsIsAContradiction() {
        post("secrets", secret("cb2-pw", "x")).statusCode(201);
        String noTls = withBinding(service("cb-notls", 15311, "cb2-pw"), "REQUIRE")
                .replace("sslMode: REQUIRE", "sslMode: DISABLE");
        post("services", noTls)
                .statusCode(422)
                .body(
                        "detail",
                        containsString(
                                "spec.config.postgres.channelBinding: REQUIRE needs TLS to the upstream, but sslMode is DISABLE"));
    }

    private static String withBinding(String service, String mode) {
        return service.replace(
                "      sslMode: REQUIRE\n", "      sslMode: REQUIRE\n      channelBinding: " + mode + "\n");
    }
}
