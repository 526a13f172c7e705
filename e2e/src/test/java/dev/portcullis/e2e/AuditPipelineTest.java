package dev.portcullis.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.postgresql.PGConnection;

/**
 * The audit trail end to end on real components: psql and pgjdbc through two proxy nodes and
 * HAProxy, events to a real Kafka broker, indexed by the audit-collector, found by its search
 * API within 2 s, in order per connection, and streamed live as they happened.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditPipelineTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private Cluster cluster;

    @BeforeAll
    void start() {
        cluster = new Cluster(true);
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyMessageIsSearchableWithinTwoSecondsAndStreamedLive() throws Exception {
        List<JsonNode> live = new CopyOnWriteArrayList<>();
        Thread tail = tail(live);

        ProcessBuilder pb = new ProcessBuilder(
                cluster.upstream.clientBinary("psql").toString(),
                "-X",
                "-tA",
                "-d",
                "host=127.0.0.1 port=" + cluster.balancer.port() + " user=alice dbname=app sslmode=require",
                "-c",
                "select 'audited by psql'");
        pb.environment().put("PGPASSWORD", cluster.token);
        Process psql = pb.start();
        assertEquals(0, psql.waitFor(), new String(psql.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));

        Properties p = new Properties();
        p.setProperty("user", "alice");
        p.setProperty("password", cluster.token);
        p.setProperty("sslmode", "require");
        try (Connection c =
                DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + cluster.balancer.port() + "/app", p)) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("select ?::int * 2, ?::text")) {
                ps.setInt(1, 21);
                ps.setString(2, "a bound parameter");
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                }
            }
            c.unwrap(PGConnection.class).getLargeObjectAPI().createLO(); // FunctionCall messages
            c.rollback();
        }
        long disconnected = System.nanoTime();

        List<JsonNode> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(2))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    found.clear();
                    found.addAll(cluster.search("user=alice&limit=1000"));
                    return found.stream()
                                    .filter(e -> type(e).equals("SESSION_END"))
                                    .count()
                            == 2;
                });
        System.out.printf(
                "both sessions fully searchable %d ms after the JDBC disconnect%n",
                (System.nanoTime() - disconnected) / 1_000_000);

        var byConnection = found.stream()
                .collect(Collectors.groupingBy(
                        e -> e.at("/entry/common/connectionID").asText(),
                        java.util.LinkedHashMap::new,
                        Collectors.toList()));
        assertEquals(2, byConnection.size());
        for (List<JsonNode> events : byConnection.values()) {
            assertEquals("SESSION_START", type(events.get(0)));
            assertEquals("SESSION_END", type(events.get(events.size() - 1)));
        }
        // in order per connection, as the search API returns them: the psql session's one query,
        // and each message the JDBC driver sent, in the order it sent them
        String psqlConnection = found.stream()
                .filter(e -> e.at("/entry/info/postgres/query/query").asText().equals("select 'audited by psql'"))
                .findFirst()
                .orElseThrow()
                .at("/entry/common/connectionID")
                .asText();
        assertEquals(List.of("SESSION_START", "QUERY", "SESSION_END"), types(byConnection.get(psqlConnection)));
        List<JsonNode> jdbc = byConnection.entrySet().stream()
                .filter(e -> !e.getKey().equals(psqlConnection))
                .findFirst()
                .orElseThrow()
                .getValue();
        assertEquals(
                List.of(
                        "SESSION_START",
                        "QUERY", // pgjdbc: SET application_name
                        "QUERY", // BEGIN (autocommit off)
                        "PARSE",
                        "BIND",
                        "EXECUTE", // the PreparedStatement (Describe and Sync are no events)
                        "PARSE",
                        "BIND",
                        "EXECUTE", // the large-object API looks up its functions
                        "FUNCTION_CALL", // lo_creat
                        "PARSE",
                        "BIND",
                        "EXECUTE", // ROLLBACK
                        "SESSION_END"),
                types(jdbc),
                jdbc.stream().map(e -> e.at("/entry/info/postgres").toString()).collect(Collectors.joining("\n")));
        assertEquals("BEGIN", jdbc.get(2).at("/entry/info/postgres/query/query").asText());
        assertEquals(
                "select $1::int * 2, $2::text",
                jdbc.get(3).at("/entry/info/postgres/parse/query").asText());
        assertEquals(
                "ROLLBACK", jdbc.get(10).at("/entry/info/postgres/parse/query").asText());
        assertTrue(found.stream()
                .anyMatch(e -> type(e).equals("QUERY")
                        && e.at("/entry/info/postgres/query/query").asText().equals("select 'audited by psql'")));
        assertTrue(found.stream()
                .anyMatch(e -> type(e).equals("PARSE")
                        && e.at("/entry/info/postgres/parse/query").asText().equals("select $1::int * 2, $2::text")));
        assertTrue(found.stream()
                .anyMatch(e -> type(e).equals("BIND")
                        && e.at("/entry/info/postgres/bind/parameters/1/text")
                                .asText()
                                .equals("a bound parameter")));
        assertTrue(found.stream().anyMatch(e -> type(e).equals("EXECUTE")));
        assertTrue(found.stream().anyMatch(e -> type(e).equals("FUNCTION_CALL")));

        List<JsonNode> byText = cluster.search("text=audited%20by%20psql");
        assertTrue(byText.stream().anyMatch(e -> type(e).equals("QUERY")), "text search finds the query");

        await().atMost(Duration.ofSeconds(2))
                .until(() ->
                        live.stream().filter(e -> type(e).equals("SESSION_END")).count() == 2);
        assertEquals(
                found.size(),
                live.stream()
                        .filter(e -> "alice"
                                .equals(e.at("/entry/common/userRef/name").asText()))
                        .count(),
                "the live tail streamed every event the search returns");
        tail.interrupt();
    }

    private Thread tail(List<JsonNode> into) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(
                        URI.create(cluster.collector.baseUrl() + "/api/v1/accesslogs/stream?user=alice"))
                .header("Authorization", "Bearer " + Cluster.ADMIN)
                .build();
        HttpResponse<java.io.InputStream> r = HTTP.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
        String first = lines.readLine(); // ":subscribed": from here on nothing is missed
        assertTrue(first != null && first.startsWith(":"), String.valueOf(first));
        Thread t = new Thread(
                () -> {
                    try {
                        for (String line; (line = lines.readLine()) != null; ) {
                            if (line.startsWith("data:")) {
                                into.add(JSON.readTree(line.substring(5).trim()));
                            }
                        }
                    } catch (Exception e) {
                        // interrupted or closed: the test is over
                    }
                },
                "sse-tail");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static List<String> types(List<JsonNode> events) {
        return events.stream().map(AuditPipelineTest::type).toList();
    }

    private static String type(JsonNode e) {
        return e.at("/entry/info/postgres/type").asText();
    }
}
