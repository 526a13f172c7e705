package dev.portcullis.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.testkit.KafkaBroker;
import dev.portcullis.testkit.ProjectLayout;
import dev.portcullis.testkit.QuarkusService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code bin/portcullis logs} against the REAL audit-collector
 * ({@code audit-collector/target/quarkus-app}, started as a process), fed through a real Kafka
 * broker with events shaped as a proxy node publishes them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliLogsEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LINE =
            Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z  [A-Z_]+ {2,}\\S+  \\S+  conn=\\S+.*");

    private Path root;
    private Path work;
    private String token;
    private CliProcess cliProcess;
    private KafkaBroker kafka;
    private QuarkusService collector;
    private KafkaProducer<String, String> producer;
    private final String svc = "e2e-" + UUID.randomUUID().toString().substring(0, 6);
    private final Instant t0 = Instant.now().minus(5, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
    private final List<String> ids = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        root = ProjectLayout.root();
        work = Files.createTempDirectory("portcullis-cli-logs-e2e");
        token = "admin-" + UUID.randomUUID();
        kafka = KafkaBroker.startDefault();
        // fails with "build it first" when audit-collector/target/quarkus-app is missing
        collector = QuarkusService.builder("audit-collector")
                .property("portcullis.kafka.bootstrap-servers", kafka.bootstrapServers())
                .property("portcullis.admin-token", token)
                .startTimeout(Duration.ofSeconds(180))
                .start();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(p);
        cliProcess =
                new CliProcess(work, Map.of("PORTCULLIS_AUDIT_SERVER", collector.baseUrl(), "PORTCULLIS_TOKEN", token));
    }

    @AfterAll
    void stop() {
        if (producer != null) {
            producer.close();
        }
        if (collector != null) {
            collector.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (work != null) {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(f -> f.toFile().delete());
            } catch (IOException ignored) {
                // a temporary folder: best effort
            }
        }
    }

    @Test
    @Order(1)
    void eventsFromKafkaAreListedOneLineEach() {
        publish(
                event(
                        0,
                        "alice",
                        "conn-alice-1",
                        true,
                        "SESSION_START",
                        "{\"requestedUser\":\"alice\",\"requestedDatabase\":\"demo\",\"user\":\"app\",\"database\":\"demo\",\"applicationName\":\"psql\"}"));
        publish(event(1, "alice", "conn-alice-1", true, "QUERY", "{\"query\":\"select *\\n from accounts\"}"));
        publish(event(
                2,
                "eve",
                "conn-eve-1",
                false,
                "SESSION_START",
                "{\"requestedUser\":\"eve\",\"requestedDatabase\":\"demo\"}"));
        publish(
                event(
                        3,
                        "alice",
                        "conn-alice-1",
                        true,
                        "SESSION_END",
                        "{\"durationMillis\":\"2500\",\"bytesFromClient\":\"300\",\"bytesToClient\":\"4096\",\"reason\":\"client closed\"}"));

        await().atMost(Duration.ofSeconds(30))
                .until(() -> cli("logs", "--service", svc).out().lines().count() == 4);
        CliProcess.Result r = cli("logs", "--service", svc);
        assertEquals(0, r.exit(), r.toString());
        List<String> lines = r.out().lines().toList();
        for (String l : lines) {
            assertTrue(LINE.matcher(l).matches(), "not a log line: " + l);
        }
        assertEquals(t0.toString().replace("Z", ".000Z"), lines.get(0).substring(0, 24), "UTC, oldest first");
        assertTrue(
                lines.get(0).contains("SESSION_START  alice  " + svc + "  conn=conn-ali  alice -> app/demo app=psql"),
                lines.get(0));
        assertTrue(
                lines.get(1).endsWith("QUERY          alice  " + svc + "  conn=conn-ali  select * from accounts"),
                lines.get(1));
        assertTrue(
                lines.get(2)
                        .contains("eve  " + svc + "  conn=conn-eve  DENIED (NO_POLICY_MATCH: no policy allows eve)"),
                lines.get(2));
        assertTrue(lines.get(3).endsWith("duration=2.5s in=300B out=4.0KB msgs=0/0 (client closed)"), lines.get(3));
    }

    @Test
    @Order(2)
    void filtersLimitAndJson() throws Exception {
        CliProcess.Result eve = cli("logs", "--service", svc, "--user", "eve");
        assertEquals(1, eve.out().lines().count(), eve.toString());
        CliProcess.Result queries = cli("logs", "--service", svc, "--type", "query,session_end", "--text", "ACCOUNTS");
        assertEquals(1, queries.out().lines().count(), queries.toString());
        CliProcess.Result window = cli(
                "logs",
                "--service",
                svc,
                "--since",
                t0.plusSeconds(1).toString(),
                "--until",
                t0.plusSeconds(3).toString());
        assertEquals(2, window.out().lines().count(), window.toString());

        CliProcess.Result json = cli("logs", "--service", svc, "--limit", "2", "-o", "json");
        assertEquals(0, json.exit(), json.toString());
        List<String> lines = json.out().lines().toList();
        assertEquals(2, lines.size(), json.toString());
        assertEquals(
                ids.subList(2, 4),
                lines.stream()
                        .map(l -> {
                            try {
                                return JSON.readTree(l).at("/metadata/id").asText();
                            } catch (IOException e) {
                                throw new IllegalStateException(l, e);
                            }
                        })
                        .toList(),
                "the two most recent, oldest first");
    }

    @Test
    @Order(3)
    void followShowsNewEventsAndSurvivesACollectorRestart() throws Exception {
        Path out = work.resolve("follow.out");
        Path err = work.resolve("follow.err");
        Process follow = start(out, err, "logs", "-f", "--service", svc, "--type", "QUERY", "--since", "10m");
        try {
            // the replay of --since first: the one stored QUERY
            awaitLines(out, err, 1, Duration.ofSeconds(20));
            publish(event(Instant.now(), "alice", "conn-alice-2", true, "QUERY", "{\"query\":\"select 'live'\"}"));
            publish(event(Instant.now(), "alice", "conn-alice-2", true, "SESSION_END", "{\"durationMillis\":\"1\"}"));
            awaitLines(out, err, 2, Duration.ofSeconds(5));
            assertTrue(lines(out).get(1).endsWith("select 'live'"), lines(out).toString());

            collector.stop();
            publish(event(
                    Instant.now(),
                    "alice",
                    "conn-alice-3",
                    true,
                    "QUERY",
                    "{\"query\":\"select 'while it was down'\"}"));
            collector.start();
            publish(event(Instant.now(), "alice", "conn-alice-3", true, "QUERY", "{\"query\":\"select 'after'\"}"));
            awaitLines(out, err, 4, Duration.ofSeconds(40));
            List<String> got = lines(out);
            assertEquals(4, got.size(), "no repeats after the reconnect: " + got);
            assertTrue(got.get(2).endsWith("select 'while it was down'"), got.toString());
            assertTrue(got.get(3).endsWith("select 'after'"), got.toString());
            assertTrue(Files.readString(err).contains("reconnecting"), Files.readString(err));
            assertTrue(follow.isAlive(), "-f runs until interrupted");
        } finally {
            follow.destroy();
            follow.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(4)
    void wrongTokenIsOneErrorLineAndNeverLogged() throws IOException {
        String wrong = "wrong-" + UUID.randomUUID();
        CliProcess.Result r = cli(Map.of("PORTCULLIS_TOKEN", wrong), "logs");
        assertEquals(1, r.exit(), r.toString());
        assertEquals(1, r.err().lines().count(), r.toString());
        assertTrue(r.err().startsWith("error: the bearer token is not valid"), r.toString());
        assertFalse(r.err().contains(wrong));
        assertFalse(collector.log().contains(token), "audit-collector logged the admin token");
    }

    // ------------------------------------------------------------------ helpers

    /** An AccessLog as protobuf JSON, the way proxy nodes publish it. */
    private String event(int second, String user, String conn, boolean authorized, String type, String detail) {
        return event(t0.plusSeconds(second), user, conn, authorized, type, detail);
    }

    private String event(Instant createdAt, String user, String conn, boolean authorized, String type, String detail) {
        String id = UUID.randomUUID().toString();
        ids.add(id);
        ObjectNode e = JSON.createObjectNode().put("apiVersion", "core/v1").put("kind", "AccessLog");
        e.putObject("metadata").put("id", id).put("createdAt", createdAt.toString());
        ObjectNode common = e.putObject("entry").putObject("common");
        common.put("connectionID", conn).put("isAuthenticated", true).put("isAuthorized", authorized);
        ObjectNode reason = common.putObject("reason");
        if (authorized) {
            reason.put("type", "POLICY_MATCH");
        } else {
            reason.put("type", "NO_POLICY_MATCH").put("message", "no policy allows " + user);
        }
        common.putObject("serviceRef").put("kind", "Service").put("name", svc + ".default");
        common.putObject("userRef").put("kind", "User").put("name", user);
        common.putObject("sessionRef").put("kind", "Session").put("name", user + "-s");
        ObjectNode pg = ((ObjectNode) e.get("entry"))
                .putObject("info")
                .putObject("postgres")
                .put("type", type);
        String field = switch (type) {
            case "SESSION_START" -> "sessionStart";
            case "SESSION_END" -> "sessionEnd";
            default -> "query";
        };
        try {
            pg.set(field, JSON.readTree(detail));
        } catch (IOException ex) {
            throw new IllegalArgumentException(detail, ex);
        }
        return e.toString();
    }

    private void publish(String json) {
        try {
            JsonNode e = JSON.readTree(json);
            producer.send(new ProducerRecord<>(
                            "portcullis.accesslogs",
                            e.at("/entry/common/connectionID").asText(),
                            json))
                    .get();
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static void awaitLines(Path out, Path err, int n, Duration within) throws IOException {
        try {
            await().atMost(within).until(() -> lines(out).size() >= n);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            fail("expected " + n + " lines within " + within + "\n--- stdout\n" + String.join("\n", lines(out))
                    + "\n--- stderr\n" + String.join("\n", lines(err)));
        }
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }

    private CliProcess.Result cli(String... args) {
        return cli(Map.of(), args);
    }

    private CliProcess.Result cli(Map<String, String> env, String... args) {
        return cliProcess.run(env, "", args);
    }

    private Process start(Path out, Path err, String... args) throws IOException {
        return start(out, err, Map.of(), args);
    }

    /** bin/portcullis in a clean environment: this test's collector and token, an empty config file. */
    private Process start(Path out, Path err, Map<String, String> envOverrides, String... args) throws IOException {
        return cliProcess.start(null, out, err, envOverrides, args);
    }

    /** target/classes plus the CLI's runtime libraries, found from the classes this JVM loaded. */
}
