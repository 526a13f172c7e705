package dev.portcullis.audit;

import static dev.portcullis.audit.Api.allIds;
import static dev.portcullis.audit.Api.search;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The same pipeline with a real PostgreSQL as the index (the `pg` profile), rows checked in PostgreSQL itself. */
@QuarkusTest
@TestProfile(PostgresIndexTest.PgProfile.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(value = PostgresDatabase.class, restrictToAnnotatedClass = true)
class PostgresIndexTest {

    public static class PgProfile implements QuarkusTestProfile {
        @Override
        public String getConfigProfile() {
            return "pg";
        }
    }

    @Inject
    @DataSource("pg")
    AgroalDataSource pg;

    @Test
    void eventsAreIndexedOnceInPostgres() throws Exception {
        String svc = "pgsvc-" + UUID.randomUUID().toString().substring(0, 8);
        String conn = "conn-" + svc;
        List<String> sent = new ArrayList<>();
        Instant t = Instant.parse("2026-11-27T12:00:00.123456789Z");
        try (Publisher kafka = Publisher.toTestBroker()) {
            for (int i = 0; i < 30; i++) {
                var e = TestEvents.event()
                        .service(svc)
                        .connection(conn)
                        .at(t.plusMillis(i))
                        .user(i % 2 == 0 ? "alice" : "bob")
                        .query("select " + i + " from \"Weird_Table\"\u0000");
                kafka.sendAsync(conn, e.json());
                kafka.sendAsync(conn, e.json());
                sent.add(e.id());
            }
            kafka.flush();
        }
        await().atMost(Duration.ofSeconds(5))
                .until(() -> allIds(Map.of("service", svc), 1000).size() == 30);
        assertEquals(sent, allIds(Map.of("service", svc), 7), "cursor pages in order");
        assertEquals(15, allIds(Map.of("service", svc, "user", "bob"), 1000).size());
        assertEquals(
                1,
                allIds(Map.of("service", svc, "text", "SELECT 7 FROM \"weird_"), 1000)
                        .size());
        assertEquals(
                2,
                search(Map.of("service", svc, "since", t.plusMillis(28).toString()))
                        .getList("items")
                        .size());

        try (Connection c = pg.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "select count(*), count(distinct eventid), min(createdat) from pc_accesslogs where servicename = ?")) {
            s.setString(1, svc);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                assertEquals(30, rs.getInt(1), "each event once, though published twice");
                assertEquals(30, rs.getInt(2));
                assertEquals(
                        Instant.parse("2026-11-27T12:00:00.123456Z"),
                        rs.getObject(3, java.time.OffsetDateTime.class).toInstant());
            }
        }
    }
}
