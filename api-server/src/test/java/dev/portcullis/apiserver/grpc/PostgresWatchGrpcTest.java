package dev.portcullis.apiserver.grpc;

import static dev.portcullis.apiserver.Api.post;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.apiserver.store.PgProfile;
import dev.portcullis.apiserver.store.PostgresDatabase;
import dev.portcullis.apiserver.store.PostgresRows;
import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** gRPC management and watch streams again, with the store on a testkit PostgreSQL instead of H2. */
@QuarkusTest
@TestProfile(PgProfile.class)
@WithTestResource(value = PostgresDatabase.class, scope = TestResourceScope.MATCHING_RESOURCES)
class PostgresWatchGrpcTest extends WatchGrpcTest {
    @Inject
    @DataSource("pg")
    AgroalDataSource pg;

    @Test
    void writesLandInPostgres() throws Exception {
        post("groups", "{\"metadata\":{\"name\":\"on-pg-grpc\"}}").statusCode(201);
        assertEquals(1, PostgresRows.count(pg, "Group", "on-pg-grpc"));
    }
}
