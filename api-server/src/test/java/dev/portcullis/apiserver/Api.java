package dev.portcullis.apiserver;

import static io.restassured.RestAssured.given;

import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

/** REST calls as the admin, for tests. */
public final class Api {
    public static final String ADMIN = "test-admin-token";
    public static final String CLUSTER = "test-cluster-token";
    public static final String PROXY = "test-proxy-token";

    private Api() {}

    public static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + ADMIN);
    }

    public static ValidatableResponse post(String plural, String body) {
        return admin().body(body).post("/api/v1/" + plural).then();
    }

    public static ValidatableResponse put(String plural, String name, String body) {
        return admin().body(body).put("/api/v1/" + plural + "/" + name).then();
    }

    public static ValidatableResponse get(String plural, String name) {
        return admin().accept("application/json")
                .get("/api/v1/" + plural + "/" + name)
                .then();
    }

    public static ValidatableResponse delete(String plural, String name) {
        return admin().delete("/api/v1/" + plural + "/" + name).then();
    }

    public static String secret(String name, String value) {
        return "{\"metadata\":{\"name\":\"" + name + "\"},\"data\":{\"value\":\"" + value + "\"}}";
    }

    /** A valid Service on a port, using the given Secret. */
    public static String service(String name, int port, String secret) {
        return """
                kind: Service
                metadata: {name: %s}
                spec:
                  mode: POSTGRES
                  port: %d
                  config:
                    upstream: {url: "postgres://db.internal:5432"}
                    postgres:
                      user: postgres
                      database: db01
                      auth: {password: {fromSecret: %s}}
                      sslMode: REQUIRE
                """.formatted(name, port, secret);
    }
}
