package dev.portcullis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.portcullis.testkit.ProjectLayout;
import dev.portcullis.testkit.QuarkusService;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The CLI against the REAL api-server: {@code api-server/target/quarkus-app/quarkus-run.jar} is
 * started on a free port with a fresh data folder and a random admin token, and
 * {@code bin/portcullis} is run as a subprocess, the way a user runs it.
 *
 * <p>The launcher is pointed at this module's freshly compiled classes
 * ({@code PORTCULLIS_CLI_CLASSPATH}) rather than the shaded jar: the jar is only built in the
 * package phase, after the tests, and the launcher must not start a nested Maven build.
 *
 * <p>If api-server has not been built the test fails, on purpose: a skipped end-to-end test
 * looks like a passing one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliEndToEndTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Duration STARTUP = Duration.ofSeconds(180);
    private static final String SECRET_TEXT = "e2e-" + UUID.randomUUID() + "-pw";
    private static final Pattern LINE_COLUMN = Pattern.compile(
            "\\d+:\\d+|(?i)line\\s*\\d+|(?i)column\\s*\\d+|(?i)col\\s*\\d+|(?i)position\\s*\\d+|(?i)offset\\s*\\d+");

    private static final String REFERENCE_SERVICE = """
            kind: Service
            metadata:
              name: pg-db
            spec:
              mode: POSTGRES
              port: 5432
              config:
                upstream:
                  url: postgres://address-to-pg
                postgres:
                  user: postgres
                  database: db01
                  auth:
                    password:
                      fromSecret: pg-password
                  sslMode: REQUIRE
            """;

    private Path root;
    private Path work;
    private QuarkusService apiServer;
    private URI base;
    private String adminToken;
    private CliProcess cliProcess;
    private String firstResourceVersion;

    @BeforeAll
    void startApiServer() throws Exception {
        root = ProjectLayout.root();
        assertTrue(Files.isExecutable(root.resolve("bin/portcullis")), "bin/portcullis must exist and be executable");
        work = Files.createTempDirectory("portcullis-cli-e2e");
        adminToken = "admin-" + UUID.randomUUID();
        // fails with "build it first" when api-server/target/quarkus-app is missing
        apiServer = QuarkusService.builder("api-server")
                .property("portcullis.data-dir", work.resolve("data").toString())
                .property("portcullis.admin-token", adminToken)
                .startTimeout(STARTUP)
                .start();
        base = URI.create(apiServer.baseUrl());
        cliProcess = new CliProcess(work, Map.of("PORTCULLIS_SERVER", base.toString(), "PORTCULLIS_TOKEN", adminToken));
    }

    @AfterAll
    void stopApiServer() {
        if (apiServer != null) {
            apiServer.close();
        }
    }

    // ------------------------------------------------------------------ the flow

    @Test
    @Order(1)
    void createSecretFromFile() throws IOException {
        Path f = Files.writeString(work.resolve("pg-password.txt"), SECRET_TEXT + "\n");
        CliProcess.Result r = cli("create", "secret", "pg-password", "--file", f.toString());
        assertEquals(0, r.exit(), r.toString());
        assertEquals("secret/pg-password created\n", r.out(), r.toString());

        CliProcess.Result again = cli("create", "secret", "pg-password", "--file", f.toString());
        assertOneErrorLine(again);
        assertTrue(again.err().contains("update secret pg-password"), again.toString());
        assertNoSecretText(again);
    }

    @Test
    @Order(2)
    void applyTheReferenceService() throws IOException {
        CliProcess.Result r =
                cli("apply", "-f", write("pg-db.yaml", REFERENCE_SERVICE).toString());
        assertEquals(0, r.exit(), r.toString());
        assertEquals("service/pg-db created\n", r.out(), r.toString());
    }

    @Test
    @Order(3)
    void getShowsTheServiceAsYamlAndAsATable() throws IOException {
        CliProcess.Result r = cli("get", "services", "pg-db", "-o", "yaml");
        assertEquals(0, r.exit(), r.toString());
        assertFalse(r.out().startsWith("---"), r.out());
        JsonNode svc = YAML.readTree(r.out());
        assertEquals(5432, svc.at("/spec/port").asInt(), r.out());
        assertEquals("REQUIRE", svc.at("/spec/config/postgres/sslMode").asText(), r.out());
        assertEquals(
                "pg-password",
                svc.at("/spec/config/postgres/auth/password/fromSecret").asText(),
                r.out());
        firstResourceVersion = svc.at("/metadata/resourceVersion").asText();
        assertFalse(firstResourceVersion.isEmpty(), "metadata.resourceVersion missing:\n" + r.out());

        CliProcess.Result table = cli("get", "svc");
        assertEquals(0, table.exit(), table.toString());
        assertTrue(table.out().startsWith("NAME"), table.out());
        assertTrue(
                Pattern.compile("(?m)^pg-db\\s+5432\\s+POSTGRES\\s+postgres://address-to-pg\\s")
                        .matcher(table.out())
                        .find(),
                table.out());
    }

    @Test
    @Order(4)
    void applyAgainUpdates() throws IOException {
        CliProcess.Result r = cli(
                "apply",
                "-f",
                write("pg-db-2.yaml", REFERENCE_SERVICE.replace("db01", "db02")).toString());
        assertEquals(0, r.exit(), r.toString());
        assertEquals("service/pg-db configured\n", r.out(), r.toString());

        JsonNode svc = json(cli("get", "service", "pg-db", "-o", "json"));
        assertEquals("db02", svc.at("/spec/config/postgres/database").asText(), svc.toString());
        assertNotEquals(
                firstResourceVersion,
                svc.at("/metadata/resourceVersion").asText(),
                "resourceVersion must change on every write");

        // what get -o yaml prints (uid, timestamps, the current resourceVersion) applies back as is
        CliProcess.Result yaml = cli("get", "service", "pg-db", "-o", "yaml");
        CliProcess.Result back = cliWithStdin(yaml.out(), "apply", "-f", "-");
        assertEquals(0, back.exit(), back.toString());
        assertEquals("service/pg-db configured\n", back.out(), back.toString());
    }

    @Test
    @Order(5)
    void staleUpdateIsRefused() throws IOException {
        String stale = REFERENCE_SERVICE
                .replace("db01", "db03")
                .replace("  name: pg-db\n", "  name: pg-db\n  resourceVersion: \"" + firstResourceVersion + "\"\n");
        CliProcess.Result r =
                cli("apply", "-f", write("pg-db-stale.yaml", stale).toString());
        assertOneErrorLine(r);
        assertTrue(Pattern.compile("(?i)resourceVersion|stale").matcher(r.err()).find(), r.toString());
        assertEquals("", r.out(), r.toString());
        JsonNode svc = json(cli("get", "service", "pg-db", "-o", "json"));
        assertEquals("db02", svc.at("/spec/config/postgres/database").asText(), "a refused update changed nothing");
    }

    @Test
    @Order(6)
    void secretValueIsNeverShown() throws IOException {
        CliProcess.Result one = cli("get", "secrets", "pg-password", "-o", "json");
        assertEquals(0, one.exit(), one.toString());
        JsonNode secret = json(one);
        assertEquals("pg-password", secret.at("/metadata/name").asText(), one.out());
        assertTrue(
                secret.path("data").isMissingNode()
                        || secret.path("data").path("value").isMissingNode(),
                "a read must not return data.value:\n" + one.out());
        assertFalse(secret.has("data"), "a read shows metadata only:\n" + one.out());
        assertNoSecretText(one);
        for (String[] args : new String[][] {
            {"get", "secret", "pg-password", "-o", "yaml"}, {"get", "secrets"}, {"get", "secrets", "-o", "json"}
        }) {
            CliProcess.Result r = cli(args);
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().contains("pg-password"), r.toString());
            assertNoSecretText(r);
        }
    }

    // ------------------------------------------------------------------ validation errors

    @Test
    @Order(7)
    void unknownSecretReferenceIsRejected() throws IOException {
        assertRejected(
                "svc-nosecret",
                REFERENCE_SERVICE
                        .replace("pg-db", "svc-nosecret")
                        .replace("5432", "5501")
                        .replace("fromSecret: pg-password", "fromSecret: no-such-secret"),
                "fromSecret",
                "no-such-secret");
    }

    @Test
    @Order(8)
    void unknownConfigNameIsRejected() throws IOException {
        assertRejected(
                "svc-badconfig",
                dynamicService("svc-badconfig", 5502, "'\"prod\" in ctx.user.spec.groups'", "staging"),
                "configName",
                "staging");
    }

    @Test
    @Order(9)
    void celThatDoesNotCompileIsRejectedWithItsPosition() throws IOException {
        CliProcess.Result r = assertRejected(
                "svc-badcel", dynamicService("svc-badcel", 5503, "'ctx.user.spec.groups ==='", "prod"), "match");
        assertTrue(LINE_COLUMN.matcher(r.err()).find(), "the CEL error must give a line/column position:\n" + r);
    }

    @Test
    @Order(10)
    void unknownSslModeIsRejected() throws IOException {
        assertRejected(
                "svc-badssl",
                REFERENCE_SERVICE
                        .replace("pg-db", "svc-badssl")
                        .replace("5432", "5504")
                        .replace("REQUIRE", "SOMETIMES"),
                "sslMode",
                "SOMETIMES");
    }

    @Test
    @Order(11)
    void duplicatePortIsRejected() throws IOException {
        assertRejected("svc-sameport", REFERENCE_SERVICE.replace("pg-db", "svc-sameport"), "5432");
    }

    // ------------------------------------------------------------------ users and sessions

    @Test
    @Order(12)
    void usersGroupsAndSessions() throws IOException {
        CliProcess.Result group = cliWithStdin("kind: Group\nmetadata:\n  name: dev\n", "apply", "-f", "-");
        assertEquals("group/dev created\n", group.out(), group.toString());

        CliProcess.Result user = cli("create", "user", "alice", "--group", "dev");
        assertEquals(0, user.exit(), user.toString());
        assertEquals("user/alice created\n", user.out(), user.toString());
        JsonNode alice = json(cli("get", "users", "alice", "-o", "json"));
        assertEquals("[\"dev\"]", alice.at("/spec/groups").toString(), alice.toString());

        CliProcess.Result session = cli("create", "session", "alice", "--ttl", "1h");
        assertEquals(0, session.exit(), session.toString());
        List<String> lines = session.out().lines().toList();
        assertEquals(1, lines.size(), "stdout must be the token alone:\n" + session);
        String token = lines.get(0);
        assertTrue(token.matches("\\S{16,}"), "not a token: '" + token + "'");
        assertTrue(session.err().contains("expires"), session.toString());
        assertFalse(session.err().contains(token), "the token goes to stdout only");

        CliProcess.Result sessions = cli("get", "sessions");
        assertEquals(0, sessions.exit(), sessions.toString());
        assertTrue(Pattern.compile("(?m)\\salice\\s").matcher(sessions.out()).find(), sessions.out());
        CliProcess.Result sessionsJson = cli("get", "sessions", "-o", "json");
        assertFalse(sessionsJson.out().contains(token), "the token is returned only once:\n" + sessionsJson.out());
    }

    @Test
    @Order(13)
    void deleteService() {
        CliProcess.Result r = cli("delete", "service", "pg-db");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("service/pg-db deleted\n", r.out());
        CliProcess.Result gone = cli("get", "service", "pg-db");
        assertOneErrorLine(gone);
        CliProcess.Result again = cli("delete", "service", "pg-db");
        assertOneErrorLine(again);
    }

    @Test
    @Order(14)
    void wrongOrMissingToken() {
        String wrong = "wrong-" + UUID.randomUUID();
        CliProcess.Result r = cli(Map.of("PORTCULLIS_TOKEN", wrong), "", "get", "services");
        assertOneErrorLine(r);
        assertFalse(r.err().contains(wrong) || r.out().contains(wrong), r.toString());

        Map<String, String> none = new HashMap<>();
        none.put("PORTCULLIS_TOKEN", null);
        CliProcess.Result missing = cli(none, "", "get", "services");
        assertOneErrorLine(missing);
        assertTrue(missing.err().contains("PORTCULLIS_TOKEN"), missing.toString());
    }

    @Test
    @Order(99)
    void apiServerNeverLoggedTheSecretOrTheAdminToken() throws IOException {
        String log = apiServer.log();
        assertFalse(log.contains(SECRET_TEXT), "api-server logged a secret value");
        assertFalse(log.contains(adminToken), "api-server logged the admin token");
    }

    // ------------------------------------------------------------------ helpers

    private static String dynamicService(String name, int port, String match, String configName) {
        return """
                kind: Service
                metadata:
                  name: %s
                spec:
                  mode: POSTGRES
                  port: %d
                  dynamicConfig:
                    configs:
                      - name: prod
                        upstream: {url: postgres://prod-db:5432}
                        postgres: {user: prod, database: prod-db, auth: {password: {fromSecret: pg-password}}}
                    rules:
                      - condition: {match: %s}
                        configName: %s
                """.formatted(name, port, match, configName);
    }

    /** Applying the document fails with one error line naming what is wrong, and creates nothing. */
    private CliProcess.Result assertRejected(String name, String yaml, String... mentions) throws IOException {
        CliProcess.Result r = cli("apply", "-f", write(name + ".yaml", yaml).toString());
        assertOneErrorLine(r);
        for (String m : mentions) {
            assertTrue(r.err().contains(m), "stderr should mention " + m + ":\n" + r);
        }
        assertNotEquals(0, cli("get", "service", name).exit(), name + " must not have been stored");
        return r;
    }

    private static void assertOneErrorLine(CliProcess.Result r) {
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("error: "), r.toString());
        assertEquals(1, r.err().lines().count(), "one error line, no stack trace:\n" + r);
    }

    private static void assertNoSecretText(CliProcess.Result r) {
        assertFalse(r.out().contains(SECRET_TEXT), "stdout shows the secret value:\n" + r);
        assertFalse(r.err().contains(SECRET_TEXT), "stderr shows the secret value:\n" + r);
    }

    private static JsonNode json(CliProcess.Result r) throws IOException {
        assertEquals(0, r.exit(), r.toString());
        return Json.JSON.readTree(r.out());
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(work.resolve(name), text);
    }

    private CliProcess.Result cli(String... args) {
        return cli(Map.of(), "", args);
    }

    private CliProcess.Result cliWithStdin(String stdin, String... args) {
        return cli(Map.of(), stdin, args);
    }

    /** bin/portcullis in a clean environment: only this test's server, token and (empty) config file. */
    private CliProcess.Result cli(Map<String, String> envOverrides, String stdin, String... args) {
        return cliProcess.run(envOverrides, stdin, args);
    }

    /** target/classes plus the CLI's runtime libraries, found from the classes this JVM loaded. */
}
