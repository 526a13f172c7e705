package dev.portcullis.apiserver.store;

import static dev.portcullis.apiserver.Api.admin;
import static dev.portcullis.apiserver.Api.get;
import static dev.portcullis.apiserver.Api.post;
import static dev.portcullis.apiserver.Api.put;
import static dev.portcullis.apiserver.Api.secret;
import static dev.portcullis.apiserver.Api.service;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.api.Kind;
import dev.portcullis.apiserver.security.Role;
import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

/**
 * The same API on a real PostgreSQL (the `pg` profile), with rows checked in PostgreSQL itself.
 * The REST and watch suites run on PostgreSQL too (PostgresResourceApiTest,
 * PostgresWatchGrpcTest): with the same profile and the same test resource they share one
 * application and one cluster, so names here must not clash with theirs.
 */
@QuarkusTest
@TestProfile(PgProfile.class)
@WithTestResource(value = PostgresDatabase.class, scope = TestResourceScope.MATCHING_RESOURCES)
class PostgresStoreTest {

    @Inject
    @DataSource("pg")
    AgroalDataSource pg;

    @Inject
    ResourceStore store;

    @Test
    void resourcesLiveInPostgres() throws Exception {
        String value = "pg-secret-" + System.nanoTime();
        post("secrets", secret("pg-pw", value)).statusCode(201);
        String rv = post("services", service("pg-svc", 16001, "pg-pw"))
                .statusCode(201)
                .extract()
                .path("metadata.resourceVersion");
        put(
                        "services",
                        "pg-svc",
                        service("pg-svc", 16002, "pg-pw")
                                .replace(
                                        "metadata: {name: pg-svc}",
                                        "metadata: {name: pg-svc, resourceVersion: \"" + rv + "\"}"))
                .statusCode(200);
        put(
                        "services",
                        "pg-svc",
                        service("pg-svc", 16003, "pg-pw")
                                .replace(
                                        "metadata: {name: pg-svc}",
                                        "metadata: {name: pg-svc, resourceVersion: \"" + rv + "\"}"))
                .statusCode(409)
                .body("detail", containsString("stale"));
        get("services", "pg-svc").statusCode(200).body("spec.port", equalTo(16002));
        get("secrets", "pg-pw").statusCode(200).body("data", nullValue());
        admin().get("/api/v1/services")
                .then()
                .body("items.findAll { it.metadata.name == 'pg-svc' }.size()", equalTo(1));

        try (Connection c = pg.getConnection();
                ResultSet rs = c.createStatement()
                        .executeQuery(
                                "select sealedvalue, document from pc_resources where kind = 'Secret' and name = 'pg-pw'")) {
            assertEquals(true, rs.next());
            // ciphertext is arbitrary bytes: compare as bytes (ISO-8859-1 maps each byte to one char)
            String sealed = new String(rs.getBytes(1), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertEquals(false, sealed.contains(value), "the value is sealed in PostgreSQL too");
            assertEquals(false, rs.getString(2).contains(value), "and absent from the document");
            assertEquals(false, rs.next(), "one row for Secret pg-pw");
        }
        assertEquals(
                value,
                store.get(Kind.SECRET, "pg-pw", Role.PROXY)
                        .orElseThrow()
                        .getSecret()
                        .getData()
                        .getValue());
    }
}
