package dev.portcullis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands end to end in-process, against {@link FakeApiServer}. */
class CommandsTest {
    private static final String SERVICE = """
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

    @TempDir
    Path tmp;

    FakeApiServer server;
    Map<String, String> env;

    @BeforeEach
    void start() throws IOException {
        server = new FakeApiServer();
        env = new HashMap<>(Map.of("PORTCULLIS_SERVER", server.uri().toString(), "PORTCULLIS_TOKEN", server.token));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private CliRun run(String... args) {
        return CliRun.run(env, "", args);
    }

    private CliRun runWithStdin(String stdin, String... args) {
        return CliRun.run(env, stdin, args);
    }

    private static void assertOneErrorLine(CliRun r, int exit) {
        assertEquals(exit, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("error: "), r.toString());
        assertEquals(1, r.err().lines().count(), r.toString());
    }

    @Test
    void applyCreatesThenConfigures() throws IOException {
        Path f = Files.writeString(tmp.resolve("svc.yaml"), SERVICE);
        CliRun first = run("apply", "-f", f.toString());
        assertEquals(0, first.exitCode(), first.toString());
        assertEquals("service/pg-db created\n", first.out());
        // PUT first, 404, then POST
        assertEquals(
                List.of("PUT /api/v1/services/pg-db", "POST /api/v1/services"),
                server.calls.stream().map(c -> c.method() + " " + c.path()).toList());
        FakeApiServer.Call post = server.calls.get(1);
        assertEquals("Bearer " + server.token, post.authorization());
        assertEquals("application/json", post.contentType());

        CliRun second = run("apply", "-f", f.toString());
        assertEquals("service/pg-db configured\n", second.out(), second.toString());
    }

    @Test
    void applyReadsStdinAndStopsAtTheFirstRefusal() {
        server.kind("groups").put("taken", (com.fasterxml.jackson.databind.node.ObjectNode) Json.JSON
                .createObjectNode()
                .put("kind", "Group")
                .set(
                        "metadata",
                        Json.JSON.createObjectNode().put("name", "taken").put("resourceVersion", "v-now")));
        CliRun r = runWithStdin("""
                kind: Group
                metadata: {name: a}
                ---
                kind: Group
                metadata: {name: taken, resourceVersion: v-old}
                ---
                kind: Group
                metadata: {name: c}
                """, "apply", "-f", "-");
        assertOneErrorLine(r, 1);
        assertEquals("group/a created\n", r.out());
        assertEquals(
                "error: group/taken (document 2): metadata.resourceVersion: stale v-old"
                        + " [applied before it: group/a; 1 not attempted]\n",
                r.err());
        assertFalse(server.kind("groups").containsKey("c"));
    }

    @Test
    void applyChecksEveryDocumentBeforeSendingAny() {
        CliRun r = runWithStdin("kind: Group\nmetadata: {name: a}\n---\nkind: Group\nspec: {}\n", "apply", "-f", "-");
        assertOneErrorLine(r, 1);
        assertEquals("error: stdin, document 2: missing metadata.name\n", r.err());
        assertTrue(server.calls.isEmpty());
    }

    @Test
    void applyRefusesSessions() {
        CliRun r = runWithStdin("kind: Session\nmetadata: {name: s}\nspec: {user: alice}\n", "apply", "-f", "-");
        assertOneErrorLine(r, 1);
        assertTrue(r.err().contains("create session"), r.err());
    }

    @Test
    void createSecretFromFileStripsOneNewlineAndNeverPrintsTheValue() throws IOException {
        Path f = Files.writeString(tmp.resolve("pw"), "hunter2-secret\n\n");
        CliRun r = run("create", "secret", "pg-password", "--file", f.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("secret/pg-password created\n", r.out());
        assertEquals(
                "hunter2-secret\n",
                server.kind("secrets").get("pg-password").at("/data/value").asText());

        CliRun again = run("create", "secret", "pg-password", "--value", "other", "-v");
        assertEquals(1, again.exitCode());
        assertTrue(again.err().contains("already exists"), again.toString());
        assertTrue(again.err().contains("portcullis update secret pg-password"), again.toString());
        assertFalse(again.err().contains("other"), again.toString());
        assertFalse(again.out().contains("other"));
    }

    @Test
    void createSecretFromStdinWithoutATerminal() {
        CliRun r = runWithStdin("from-stdin\n", "create", "secret", "s1");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(
                "from-stdin", server.kind("secrets").get("s1").at("/data/value").asText());
        assertFalse(r.out().contains("from-stdin") || r.err().contains("from-stdin"));

        CliRun empty = runWithStdin("\n", "create", "secret", "s2");
        assertOneErrorLine(empty, 1);
        assertTrue(empty.err().contains("empty"), empty.err());
    }

    @Test
    void createSecretOnATerminalPromptsWithoutEchoAndNeverPrintsTheValue() {
        PromptingTerminal terminal = new PromptingTerminal("typed-at-the-prompt");
        CliRun r = CliRun.run(env, "from-stdin\n", terminal, "create", "secret", "prompted", "--verbose");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(
                List.of("Value of secret prompted (not echoed): "),
                terminal.prompts,
                "the value is read at the terminal's no-echo prompt");
        assertEquals(
                "typed-at-the-prompt",
                server.kind("secrets").get("prompted").at("/data/value").asText(),
                "from the prompt, not from stdin");
        assertEquals("secret/prompted created\n", r.out());
        assertFalse(r.out().contains("typed-at-the-prompt") || r.err().contains("typed-at-the-prompt"), r.toString());
        assertTrue(terminal.handedOutIsCleared(), "the typed characters are wiped once read");

        PromptingTerminal rotate = new PromptingTerminal("rotated-at-the-prompt");
        CliRun update = CliRun.run(env, "", rotate, "update", "secret", "prompted");
        assertEquals(0, update.exitCode(), update.toString());
        assertEquals(1, rotate.prompts.size());
        assertEquals(
                "rotated-at-the-prompt",
                server.kind("secrets").get("prompted").at("/data/value").asText());
        assertFalse(
                update.out().contains("rotated-at-the-prompt") || update.err().contains("rotated-at-the-prompt"));
    }

    @Test
    void createSecretOnATerminalWithNothingTypedIsAnError() {
        CliRun eof = CliRun.run(env, "from-stdin\n", new PromptingTerminal(null), "create", "secret", "s3");
        assertOneErrorLine(eof, 1);
        assertTrue(eof.err().contains("no value entered for secret s3"), eof.err());
        CliRun blank = CliRun.run(env, "from-stdin\n", new PromptingTerminal(""), "create", "secret", "s4");
        assertOneErrorLine(blank, 1);
        assertTrue(blank.err().contains("empty"), blank.err());
        assertTrue(server.calls.isEmpty(), "nothing is sent: " + server.calls);
    }

    /** A terminal whose user types {@code typed} (null: end of input) at the no-echo prompt. */
    static final class PromptingTerminal implements Terminal {
        final List<String> prompts = new java.util.ArrayList<>();
        private final String typed;
        private char[] handedOut;

        PromptingTerminal(String typed) {
            this.typed = typed;
        }

        @Override
        public char[] readPassword(String prompt) {
            prompts.add(prompt);
            handedOut = typed == null ? null : typed.toCharArray();
            return handedOut;
        }

        boolean handedOutIsCleared() {
            return handedOut != null && new String(handedOut).chars().allMatch(c -> c == 0);
        }
    }

    @Test
    void valueAndFileAreExclusive() {
        CliRun r = run("create", "secret", "s", "--value", "a", "--file", "b");
        assertOneErrorLine(r, 2);
        assertTrue(server.calls.isEmpty());
    }

    @Test
    void updateSecretRotates() {
        assertEquals(0, run("create", "secret", "s", "--value", "one").exitCode());
        CliRun r = run("update", "secret", "s", "--value", "two");
        assertEquals("secret/s updated\n", r.out(), r.toString());
        assertEquals("two", server.kind("secrets").get("s").at("/data/value").asText());

        CliRun missing = run("update", "secret", "nope", "--value", "x");
        assertOneErrorLine(missing, 1);
        assertTrue(missing.err().contains("portcullis create secret nope"), missing.err());
    }

    @Test
    void createUserWithRepeatedAndCommaSeparatedGroups() {
        CliRun r = run("create", "user", "alice", "--group", "dev,ops", "-g", "qa", "--group", "dev");
        assertEquals("user/alice created\n", r.out(), r.toString());
        JsonNode stored = server.kind("users").get("alice");
        assertEquals("[\"dev\",\"ops\",\"qa\"]", stored.at("/spec/groups").toString());
        assertEquals("User", stored.get("kind").asText());

        assertEquals("group/dev created\n", run("create", "group", "dev").out());
    }

    @Test
    void createPolicyFromASpecOrAWholeDocument() throws IOException {
        Path spec =
                Files.writeString(tmp.resolve("p.yaml"), "rules:\n- effect: ALLOW\n  condition: {matchAny: true}\n");
        assertEquals(
                "policy/allow-all created\n",
                run("create", "policy", "allow-all", "-f", spec.toString()).out());
        assertEquals(
                "ALLOW",
                server.kind("policies")
                        .get("allow-all")
                        .at("/spec/rules/0/effect")
                        .asText());
        Path doc = Files.writeString(
                tmp.resolve("d.yaml"),
                "kind: Policy\nmetadata: {name: ignored}\nspec:\n  rules: [{effect: DENY, condition: {matchAny: true}}]\n");
        assertEquals(
                "policy/deny-all created\n",
                run("create", "policy", "deny-all", "--file", doc.toString()).out());
        assertEquals(
                "DENY",
                server.kind("policies")
                        .get("deny-all")
                        .at("/spec/rules/0/effect")
                        .asText());
    }

    @Test
    void createSessionPrintsOnlyTheTokenOnStdout() {
        CliRun r = run("create", "session", "alice", "--ttl", "1h");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().matches("tok_[0-9a-f-]+\n"), r.out());
        assertEquals("session alice-x2k9 for user alice expires 2030-01-01T08:00:00Z\n", r.err());
        JsonNode sent = server.kind("sessions").get("alice-x2k9");
        assertEquals("1h", sent.at("/spec/ttl").asText());

        CliRun named = run("create", "session", "bob", "--name", "bob-ci");
        assertTrue(named.err().startsWith("session bob-ci for user bob expires"), named.toString());
        assertEquals("8h", server.kind("sessions").get("bob-ci").at("/spec/ttl").asText());
    }

    @Test
    void getPrintsTablesYamlAndJson() throws IOException {
        Path f = Files.writeString(tmp.resolve("svc.yaml"), SERVICE);
        run("apply", "-f", f.toString());

        CliRun table = run("get", "svc");
        assertEquals(0, table.exitCode(), table.toString());
        assertTrue(table.out().startsWith("NAME    PORT   MODE       UPSTREAM                   AGE\n"), table.out());
        assertTrue(table.out().contains("pg-db   5432   POSTGRES   postgres://address-to-pg"), table.out());

        CliRun yaml = run("get", "Services", "pg-db", "-o", "yaml");
        assertFalse(yaml.out().startsWith("---"), yaml.out());
        assertTrue(yaml.out().startsWith("kind: Service\n"), yaml.out());
        assertTrue(yaml.out().contains("  port: 5432\n"), yaml.out());
        assertTrue(yaml.out().contains("      sslMode: REQUIRE\n"), yaml.out());

        CliRun json = run("get", "service", "pg-db", "-o", "JSON");
        JsonNode tree = Json.JSON.readTree(json.out());
        assertEquals(5432, tree.at("/spec/port").asInt());
        assertTrue(json.out().contains("\"port\": 5432"), json.out());

        CliRun list = run("get", "services", "-o", "json");
        assertEquals(
                "pg-db",
                Json.JSON.readTree(list.out()).at("/items/0/metadata/name").asText());

        CliRun none = run("get", "users");
        assertEquals("", none.out());
        assertEquals("No users found.\n", none.err());
    }

    @Test
    void getOutputOfAListCanBeAppliedBack() throws IOException {
        Path f = Files.writeString(tmp.resolve("svc.yaml"), SERVICE);
        run("apply", "-f", f.toString());
        String yaml = run("get", "services", "-o", "yaml").out();
        CliRun again = runWithStdin(yaml, "apply", "-f", "-");
        assertEquals("service/pg-db configured\n", again.out(), again.toString());
    }

    @Test
    void deleteAndNotFound() {
        run("create", "group", "dev");
        assertEquals("group/dev deleted\n", run("delete", "groups", "dev").out());
        CliRun gone = run("delete", "group", "dev");
        assertOneErrorLine(gone, 1);
        assertEquals("error: groups dev not found\n", gone.err());
        CliRun get = run("get", "group", "dev");
        assertEquals("error: groups dev not found\n", get.err());
    }

    @Test
    void namesAreEncodedIntoOnePathSegment() {
        run("get", "group", "a/b c");
        assertEquals("/api/v1/groups/a%2Fb%20c", server.calls.get(0).path());
    }

    @Test
    void serverErrorsAreOneLine() {
        server.failStatus = 422;
        server.failDetail = "spec.config.postgres.sslMode: unknown value \"SOMETIMES\"\n(allowed: PREFER, REQUIRE)";
        CliRun r = run("create", "group", "g");
        assertOneErrorLine(r, 1);
        assertEquals(
                "error: spec.config.postgres.sslMode: unknown value \"SOMETIMES\" (allowed: PREFER, REQUIRE)\n",
                r.err());
    }

    @Test
    void wrongTokenIsRefusedAndNeverEchoed() {
        env.put("PORTCULLIS_TOKEN", "wrong-token-value");
        CliRun r = run("get", "services");
        assertOneErrorLine(r, 1);
        assertTrue(r.err().contains("PORTCULLIS_TOKEN"), r.err());
        assertFalse(r.err().contains("wrong-token-value"));
    }

    @Test
    void flagsWinOverTheEnvironmentAndWorkOnEitherSideOfTheCommand() {
        env.put("PORTCULLIS_TOKEN", "wrong");
        env.put("PORTCULLIS_SERVER", "http://127.0.0.1:1");
        assertEquals(
                0,
                run("get", "users", "--server", server.uri().toString(), "--token", server.token)
                        .exitCode());
        assertEquals(
                0,
                run("--server", server.uri().toString(), "--token", server.token, "get", "users")
                        .exitCode());
    }

    @Test
    void noTokenAnywhere() {
        env.remove("PORTCULLIS_TOKEN");
        CliRun r = run("get", "services");
        assertOneErrorLine(r, 1);
        assertTrue(r.err().contains("PORTCULLIS_TOKEN") && r.err().contains("deploy/local/up.sh"), r.err());
        assertTrue(server.calls.isEmpty());
    }

    @Test
    void unreachableServer() {
        env.put("PORTCULLIS_SERVER", "http://127.0.0.1:1");
        CliRun r = run("get", "services");
        assertOneErrorLine(r, 1);
        assertEquals(
                "error: cannot reach api-server at http://127.0.0.1:1: connection refused (is it running?)\n", r.err());
    }

    @Test
    void verboseLogsRequestsButNotTheToken() {
        CliRun r = run("get", "services", "--verbose");
        assertTrue(r.err().contains("> GET " + server.uri() + "/api/v1/services"), r.err());
        assertFalse(r.err().contains(server.token));
    }

    @Test
    void usageErrorsExitTwoWithOneLine() {
        assertOneErrorLine(run("get"), 2);
        assertOneErrorLine(run("get", "pods"), 2);
        assertOneErrorLine(run("get", "svc", "-o", "xml"), 2);
        assertOneErrorLine(run("frobnicate"), 2);
        assertOneErrorLine(run("create"), 2);
        assertOneErrorLine(run("create", "user"), 2);
        assertOneErrorLine(run("apply"), 2);
        assertOneErrorLine(run(), 2);
        assertTrue(run("get").err().contains("'portcullis get --help'"));
        assertTrue(server.calls.isEmpty());
    }

    @Test
    void helpAndVersion() {
        CliRun help = run("--help");
        assertEquals(0, help.exitCode());
        for (String c : new String[] {"apply", "get", "create", "update", "delete"}) {
            assertTrue(help.out().contains("  " + c + " "), c + " in " + help.out());
        }
        CliRun sub = run("create", "secret", "--help");
        assertEquals(0, sub.exitCode());
        assertTrue(sub.out().contains("--file"), sub.out());
        assertTrue(sub.out().contains("trailing newline"), sub.out());
        CliRun version = run("--version");
        assertEquals(0, version.exitCode());
        assertTrue(version.out().startsWith("portcullis "), version.out());
        assertTrue(server.calls.isEmpty());
    }
}
