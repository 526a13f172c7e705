package dev.portcullis.audit;

import static dev.portcullis.audit.Api.admin;
import static dev.portcullis.audit.Api.allIds;
import static dev.portcullis.audit.Api.search;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Events published to a real Kafka broker, then found through the REST API of the real app (H2). */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
class AccessLogSearchTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Publisher kafka;
    private static boolean warm;

    /**
     * One event through first: the first batch after start pays for class loading, JIT and query
     * plans (about a second here); the timings below are those of a running collector.
     */
    @BeforeAll
    static void connect() {
        kafka = Publisher.toTestBroker();
    }

    /** Once, but not in @BeforeAll: REST Assured points at the app only from here. */
    @BeforeEach
    void warmUp() {
        if (warm) {
            return;
        }
        warm = true;
        String conn = unique("warm-up");
        long sent = System.nanoTime();
        kafka.send(conn, TestEvents.event().connection(conn).json());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> search(Map.of("connection", conn)).getList("items").size() == 1);
        System.out.printf(
                "[measure] first event after start searchable in %d ms%n", (System.nanoTime() - sent) / 1_000_000);
    }

    @AfterAll
    static void disconnect() {
        kafka.close();
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void searchableWithinTwoSecondsByEveryFilter() throws Exception {
        String svc = unique("svc");
        String alice = unique("alice");
        String bob = unique("bob");
        String connA = unique("conn");
        String connB = unique("conn");
        Instant t0 = Instant.now().minus(5, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        var start = TestEvents.event()
                .service(svc)
                .user(alice)
                .session(alice + "-s")
                .connection(connA)
                .at(t0)
                .sessionStart(alice, "app", "demo");
        var query = TestEvents.event()
                .service(svc)
                .user(alice)
                .session(alice + "-s")
                .connection(connA)
                .at(t0.plusSeconds(1))
                .query("SELECT * FROM Accounts WHERE note = '100%'");
        var parse = TestEvents.event()
                .service(svc)
                .user(bob)
                .session(bob + "-s")
                .connection(connB)
                .at(t0.plusSeconds(2))
                .parse("s1", "select name from users");
        var end = TestEvents.event()
                .service(svc)
                .user(alice)
                .session(alice + "-s")
                .connection(connA)
                .at(t0.plusSeconds(3))
                .sessionEnd(1500, 200, 4000);
        var denied = TestEvents.event()
                .service(svc)
                .user("eve")
                .session("eve-s")
                .connection(unique("conn"))
                .at(t0.plusSeconds(4))
                .sessionStart("eve", "", "demo")
                .denied("NO_POLICY_MATCH", "no policy allows eve");
        List<TestEvents.Builder> all = List.of(start, query, parse, end, denied);

        long sent = System.nanoTime();
        for (TestEvents.Builder e : all) {
            kafka.sendAsync(e.build().getEntry().getCommon().getConnectionId(), e.json());
        }
        kafka.flush();
        await().atMost(Duration.ofSeconds(2))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> search(Map.of("service", svc)).getList("items").size() == 5);
        System.out.printf(
                "[measure] 5 events published -> all searchable in %d ms%n", (System.nanoTime() - sent) / 1_000_000);

        assertEquals(ids(all), ids(Map.of("service", svc)), "ascending by createdAt");
        assertEquals(ids(all), ids(Map.of("service", svc + ".default")), "with or without the namespace");
        assertEquals(ids(start, query, end), ids(Map.of("service", svc, "user", alice)));
        assertEquals(ids(parse), ids(Map.of("service", svc, "session", bob + "-s")));
        assertEquals(ids(start, query, end), ids(Map.of("connection", connA)));
        assertEquals(ids(query, parse), ids(Map.of("service", svc, "type", "query,PARSE")));
        assertEquals(ids(query, parse), ids(Map.of("service", svc, "type", List.of("QUERY", "PARSE"))));
        assertEquals(ids(start, denied), ids(Map.of("service", svc, "type", "SESSION_START")));
        assertEquals(ids(query), ids(Map.of("service", svc, "text", "from accounts")), "case-insensitive");
        assertEquals(ids(query), ids(Map.of("service", svc, "text", "100%")), "% is a character, not a wildcard");
        assertEquals(ids(), ids(Map.of("service", svc, "text", "1_0")), "_ too");
        assertEquals(ids(denied), ids(Map.of("service", svc, "text", "no policy allows")));
        assertEquals(
                ids(parse, end),
                ids(Map.of(
                        "service",
                        svc,
                        "since",
                        t0.plusSeconds(2).toString(),
                        "until",
                        t0.plusSeconds(4).toString())),
                "since inclusive, until exclusive");
        assertEquals(ids(all), ids(Map.of("service", svc, "since", "10m")));
        assertEquals(ids(), ids(Map.of("service", svc, "since", "1m")));
        List<String> reversed = new ArrayList<>(ids(all));
        java.util.Collections.reverse(reversed);
        assertEquals(reversed, ids(Map.of("service", svc, "order", "desc")));

        JsonPath page = search(Map.of("service", svc, "type", "QUERY"));
        assertEquals("core/v1", page.getString("apiVersion"));
        assertEquals("AccessLogList", page.getString("kind"));
        assertNull(page.getString("nextCursor"), "no more pages");
        String item = admin().queryParam("connection", connA)
                .queryParam("type", "QUERY")
                .get("/api/v1/accesslogs")
                .then()
                .extract()
                .body()
                .asString();
        assertEquals(
                JSON.readTree(query.json()), JSON.readTree(item).at("/items/0"), "the event in its original shape");
    }

    /** One event at a time, from the broker's acknowledgement to the first search that finds it. */
    @Test
    void eachEventIsSearchableWellWithinTwoSeconds() {
        String conn = unique("latency");
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            var e = TestEvents.event().connection(conn).query("select " + i);
            kafka.send(conn, e.json());
            long acked = System.nanoTime();
            int expected = i + 1;
            await().atMost(Duration.ofSeconds(2))
                    .pollInterval(Duration.ofMillis(5))
                    .until(() ->
                            search(Map.of("connection", conn)).getList("items").size() == expected);
            millis.add((System.nanoTime() - acked) / 1_000_000);
        }
        List<Long> sorted = millis.stream().sorted().toList();
        System.out.printf(
                "[measure] acknowledged -> searchable, 20 single events: median %d ms, max %d ms%n",
                sorted.get(10), sorted.get(19));
    }

    @Test
    void cursorsWalkEveryPageOnceInOrder() {
        String svc = unique("paged");
        Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String conn = unique("conn");
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 105; i++) {
            // pairs of equal timestamps: ties are broken by ingestion order
            var e = TestEvents.event()
                    .service(svc)
                    .connection(conn)
                    .at(t.plusSeconds(i / 2))
                    .query("select " + i);
            kafka.sendAsync(conn, e.json());
            sent.add(e.id());
        }
        kafka.flush();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> allIds(Map.of("service", svc), 1000).size() == 105);

        assertEquals(sent, allIds(Map.of("service", svc), 10), "pages of 10: ten of them, then 5");
        assertEquals(sent, allIds(Map.of("service", svc), 3));
        List<String> desc = allIds(Map.of("service", svc, "order", "desc"), 7);
        java.util.Collections.reverse(desc);
        assertEquals(sent, desc);

        JsonPath first = search(Map.of("service", svc, "limit", 10));
        assertEquals(10, first.getList("items").size());
        String cursor = first.getString("nextCursor");
        JsonPath second = search(Map.of("service", svc, "limit", 10, "cursor", cursor));
        assertEquals(sent.subList(10, 20), second.getList("items.metadata.id", String.class));
        JsonPath byDefault = search(Map.of("service", svc));
        assertEquals(sent.subList(0, 100), byDefault.getList("items.metadata.id", String.class), "100 by default");
        assertEquals(
                sent.subList(100, 105),
                search(Map.of("service", svc, "cursor", byDefault.getString("nextCursor")))
                        .getList("items.metadata.id", String.class));
    }

    @Test
    void theSameEventPublishedTwiceIsStoredOnce() {
        String conn = unique("dup");
        var e = TestEvents.event().connection(conn).query("select 'twice'");
        double before = metric("portcullis_audit_events_duplicates_total");
        kafka.send(conn, e.json());
        kafka.send(conn, e.json());
        await().atMost(Duration.ofSeconds(2))
                .until(() -> search(Map.of("connection", conn)).getList("items").size() == 1);
        kafka.send(conn, e.json()); // in a later batch too
        // same key, same partition, read in order: once the marker is in, the copies have been handled
        var marker = TestEvents.event().connection(conn).query("select 'marker'");
        kafka.send(conn, marker.json());
        await().atMost(Duration.ofSeconds(2))
                .until(() -> search(Map.of("connection", conn)).getList("items").size() == 2);
        assertEquals(List.of(e.id(), marker.id()), allIds(Map.of("connection", conn), 100));
        assertTrue(metric("portcullis_audit_events_duplicates_total") - before >= 2, "duplicates are counted");
    }

    @Test
    void recordsThatAreNotAccessLogsAreSkipped() {
        String conn = unique("garbage");
        double before = metric("portcullis_audit_events_rejected_total");
        kafka.send(conn, "this is not JSON");
        kafka.send(conn, "{\"metadata\": {\"id\": 42, \"createdAt\": \"yesterday\"}}");
        var good = TestEvents.event().connection(conn);
        kafka.send(conn, good.json());
        await().atMost(Duration.ofSeconds(2))
                .until(() -> search(Map.of("connection", conn)).getList("items").size() == 1);
        assertEquals(before + 2, metric("portcullis_audit_events_rejected_total"));
    }

    @Test
    void theApiNeedsTheAdminToken() {
        given().get("/api/v1/accesslogs")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("detail", containsString("Authorization"));
        given().header("Authorization", "Bearer wrong")
                .get("/api/v1/accesslogs")
                .then()
                .statusCode(401)
                .body("title", equalTo("Unauthorized"));
        given().header("Authorization", "Bearer wrong")
                .get("/api/v1/accesslogs/stream")
                .then()
                .statusCode(401);
    }

    @Test
    void badParametersAreProblemsNamingTheParameter() {
        admin().queryParam("limit", "lots")
                .get("/api/v1/accesslogs")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("limit"));
        admin().queryParam("limit", 5000)
                .get("/api/v1/accesslogs")
                .then()
                .statusCode(400)
                .body("detail", containsString("between 1 and 1000"));
        admin().queryParam("since", "last tuesday")
                .get("/api/v1/accesslogs")
                .then()
                .statusCode(400)
                .body("detail", containsString("since"));
        admin().queryParam("type", "SELECT")
                .get("/api/v1/accesslogs")
                .then()
                .statusCode(400)
                .body("detail", containsString("QUERY"));
        admin().queryParam("cursor", "abc")
                .get("/api/v1/accesslogs")
                .then()
                .statusCode(400)
                .body("status", equalTo(400));
        admin().queryParam("type", "nope")
                .get("/api/v1/accesslogs/stream")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void healthAndMetricsAreOpen() {
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks.name", org.hamcrest.Matchers.hasItems("audit-indexer"))
                .body(containsString("Database connections health check"));
        given().get("/q/health/live")
                .then()
                .statusCode(200)
                .body(
                        "checks.find { it.name == 'audit-indexer' }.data.partitions",
                        containsString("portcullis.accesslogs"));
        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String name : List.of(
                "portcullis_audit_events_indexed_total",
                "portcullis_audit_events_duplicates_total",
                "portcullis_audit_batch_seconds_count",
                "portcullis_audit_index_delay_seconds_max",
                "portcullis_audit_consumer_lag",
                "portcullis_audit_stream_subscribers")) {
            assertTrue(metrics.contains(name), name + " missing from /q/metrics");
        }
    }

    // ------------------------------------------------------------------ helpers

    private static List<String> ids(Map<String, ?> params) {
        return allIds(params, 1000);
    }

    private static List<String> ids(TestEvents.Builder... events) {
        return ids(List.of(events));
    }

    private static List<String> ids(List<TestEvents.Builder> events) {
        List<String> out = new ArrayList<>();
        events.forEach(e -> out.add(e.id()));
        assertEquals(out.size(), new HashSet<>(out).size());
        return out;
    }

    static double metric(String name) {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        double sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
