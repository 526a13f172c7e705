package dev.portcullis.proxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.pgwire.message.copy.CopyData;
import dev.portcullis.pgwire.message.copy.CopyDone;
import dev.portcullis.pgwire.message.frontend.Bind;
import dev.portcullis.pgwire.message.frontend.Close;
import dev.portcullis.pgwire.message.frontend.Describe;
import dev.portcullis.pgwire.message.frontend.Execute;
import dev.portcullis.pgwire.message.frontend.Flush;
import dev.portcullis.pgwire.message.frontend.FunctionCall;
import dev.portcullis.pgwire.message.frontend.Parse;
import dev.portcullis.pgwire.message.frontend.Query;
import dev.portcullis.pgwire.message.frontend.Sync;
import dev.portcullis.pgwire.message.frontend.Target;
import dev.portcullis.testkit.Ports;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The details of each access-log event, and the exact sequence of one connection's events: every
 * Query, Parse, Bind, Execute, Close and FunctionCall, and nothing for Sync, Flush, Describe or
 * COPY data. Each test has its own User, so its events are told apart on the shared topic.
 */
@QuarkusTest
@QuarkusTestResource(ProxyEnvironment.class)
class AuditEventDetailsTest {
    private static final String PG = "/entry/info/postgres/";

    @Test
    void oneRawConnectionEventByEventWithItsDetails() throws Exception {
        ProxyEnvironment.user("deep-prod", "[\"dev\", \"prod\"]"); // the prod group: svc-scram's dynamic config "prod"
        Clients.awaitListening("svc-scram");
        byte[] binary = {0, 1, 2, (byte) 255};
        String longQuery = "select 1 -- " + "x".repeat(10_000);
        int localPort;
        int int4pl;
        long bytesSent;
        long bytesReceived;
        long messagesSent;
        long messagesReceived;
        long held;
        long began = System.nanoTime();
        try (RawClient c = RawClient.connect(
                ProxyEnvironment.PORTS.get("svc-scram"),
                Map.of("user", "whoever", "database", "requested_db", "application_name", "deep-audit"),
                Clients.token("deep-prod"))) {
            assertNull(c.refusal);
            localPort = c.localPort();
            int4pl = Integer.parseInt(c.query("select 'int4pl'::regproc::oid").single());
            c.query("select pg_sleep(0.3)");
            // extended protocol: Describe, Flush and Sync are not events
            c.send(
                    new Parse("s1", "select $1::bytea, $2::int", List.of()),
                    new Describe(Target.STATEMENT, "s1"),
                    new Bind(
                            "p1",
                            "s1",
                            List.of(1, 0),
                            List.of(binary, "7".getBytes(StandardCharsets.UTF_8)),
                            List.of()),
                    new Execute("p1", 5),
                    Flush.INSTANCE,
                    Sync.INSTANCE);
            assertEquals('Z', last(c.readUntil('Z')));
            c.send(new Close(Target.STATEMENT, "s1"), new Close(Target.PORTAL, "p1"), Sync.INSTANCE);
            assertEquals("33Z", c.readUntil('Z'));
            // COPY FROM STDIN: one QUERY event, none for its data
            assertNull(c.query("create temp table cp(a int)").error());
            c.send(new Query("copy cp from stdin"));
            c.readUntil('G');
            c.send(
                    new CopyData("1\n".getBytes(StandardCharsets.UTF_8)),
                    new CopyData("2\n".getBytes(StandardCharsets.UTF_8)),
                    CopyDone.INSTANCE);
            assertTrue(c.readUntil('Z').startsWith("C"), "COPY 2 completed");
            assertEquals("2", c.query("select count(*) from cp").single());
            c.send(new FunctionCall(
                    int4pl,
                    List.of(0),
                    List.of("40".getBytes(StandardCharsets.UTF_8), "2".getBytes(StandardCharsets.UTF_8)),
                    0));
            assertEquals("VZ", c.readUntil('Z'));
            assertNull(c.query(longQuery).error());
            // what the relay should have counted, before Terminate (which close() sends)
            bytesReceived = c.bytesReceived;
            messagesReceived = c.messagesReceived;
            held = (System.nanoTime() - began) / 1_000_000;
            c.close();
            bytesSent = c.bytesSent;
            messagesSent = c.messagesSent;
        }

        List<JsonNode> events = session("deep-prod");
        assertEquals(
                List.of(
                        "SESSION_START",
                        "QUERY",
                        "QUERY",
                        "PARSE",
                        "BIND",
                        "EXECUTE",
                        "CLOSE",
                        "CLOSE",
                        "QUERY",
                        "QUERY",
                        "QUERY",
                        "FUNCTION_CALL",
                        "QUERY",
                        "SESSION_END"),
                types(events));

        JsonNode start = events.get(0).at(PG + "sessionStart");
        assertEquals("prod_role", start.at("/user").asText(), start.toString());
        assertEquals("app", start.at("/database").asText());
        assertEquals("whoever", start.at("/requestedUser").asText());
        assertEquals("requested_db", start.at("/requestedDatabase").asText());
        assertEquals("deep-audit", start.at("/applicationName").asText());
        assertEquals("prod", start.at("/configName").asText());
        assertEquals("127.0.0.1:" + localPort, start.at("/clientAddress").asText());
        assertEquals(
                "127.0.0.1:" + ProxyEnvironment.tlsPg.port(),
                start.at("/upstream").asText());
        assertTrue(start.at("/clientTls").asBoolean());

        assertEquals(
                "select pg_sleep(0.3)", events.get(2).at(PG + "query/query").asText());
        assertFalse(events.get(2).at(PG + "query/isTruncated").asBoolean());
        JsonNode parse = events.get(3).at(PG + "parse");
        assertEquals("s1", parse.at("/name").asText(), parse.toString());
        assertEquals("select $1::bytea, $2::int", parse.at("/query").asText());
        JsonNode bind = events.get(4).at(PG + "bind");
        assertEquals("p1", bind.at("/portal").asText(), bind.toString());
        assertEquals("s1", bind.at("/statement").asText());
        assertEquals("AAEC/w==", bind.at("/parameters/0/binary").asText(), "binary parameters as base64");
        assertEquals("7", bind.at("/parameters/1/text").asText());
        JsonNode execute = events.get(5).at(PG + "execute");
        assertEquals("p1", execute.at("/portal").asText(), execute.toString());
        assertEquals(5, execute.at("/maxRows").asInt());
        assertEquals(
                "STATEMENT",
                events.get(6).at(PG + "close/type").asText(),
                events.get(6).toString());
        assertEquals("s1", events.get(6).at(PG + "close/name").asText());
        assertEquals(
                "PORTAL",
                events.get(7).at(PG + "close/type").asText(),
                events.get(7).toString());
        assertEquals("p1", events.get(7).at(PG + "close/name").asText());
        assertEquals("copy cp from stdin", events.get(9).at(PG + "query/query").asText());
        JsonNode fn = events.get(11).at(PG + "functionCall");
        assertEquals(int4pl, fn.at("/oid").asLong(), fn.toString());
        assertEquals(List.of("40", "2"), texts(fn.at("/arguments")));

        JsonNode truncated = events.get(12).at(PG + "query");
        assertTrue(truncated.at("/isTruncated").asBoolean(), "over the cap");
        String kept = truncated.at("/query").asText();
        assertEquals(8192, kept.getBytes(StandardCharsets.UTF_8).length, "cut at portcullis.audit.max-query-bytes");
        assertEquals(longQuery.substring(0, 8192), kept);

        JsonNode end = events.get(13).at(PG + "sessionEnd");
        long duration = end.at("/durationMillis").asLong();
        assertTrue(duration >= 300 && duration <= held + 1_000, duration + " ms for a session held " + held + " ms");
        assertEquals(bytesReceived, end.at("/bytesToClient").asLong(), end.toString());
        assertEquals(messagesReceived, end.at("/messagesToClient").asLong(), end.toString());
        assertEquals(bytesSent, end.at("/bytesFromClient").asLong(), end.toString());
        assertEquals(messagesSent, end.at("/messagesFromClient").asLong(), end.toString());
        assertEquals(
                1,
                events.stream()
                        .map(e -> e.at("/entry/common/connectionID").asText())
                        .distinct()
                        .count());
    }

    /** What pgjdbc sends: named statements (prepareThreshold=1), a cursor's row limit, and Close when a statement goes. */
    @Test
    void jdbcRowLimitNamedStatementsAndTheirClose() throws Exception {
        ProxyEnvironment.user("deep-jdbc", "[\"dev\"]");
        Clients.awaitListening("svc-scram");
        Properties p = new Properties();
        p.setProperty("user", "whoever");
        p.setProperty("password", Clients.token("deep-jdbc"));
        p.setProperty("sslmode", "require");
        p.setProperty("prepareThreshold", "1");
        p.setProperty("preparedStatementCacheQueries", "0"); // a closed statement is deallocated: Close
        try (Connection c = DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + ProxyEnvironment.PORTS.get("svc-scram") + "/whatever", p)) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("select g from generate_series(1, 10) g")) {
                ps.setFetchSize(3); // a cursor inside the transaction: Execute with a row limit
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(1, rs.getInt(1));
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("select 1"); // carries the pending Close of the statement above
            }
            c.commit();
        }
        List<JsonNode> events = session("deep-jdbc");
        List<String> types = types(events);
        assertEquals("SESSION_START", types.get(0));
        assertEquals("SESSION_END", types.get(types.size() - 1));
        assertTrue(
                types.stream()
                        .allMatch(t -> List.of(
                                        "SESSION_START", "SESSION_END", "QUERY", "PARSE", "BIND", "EXECUTE", "CLOSE")
                                .contains(t)),
                types.toString());

        JsonNode parse = events.stream()
                .filter(e -> e.at(PG + "parse/query").asText().contains("generate_series"))
                .findFirst()
                .orElseThrow(() -> new AssertionError(types.toString()))
                .at(PG + "parse");
        String statement = parse.at("/name").asText();
        assertTrue(statement.matches("S_\\d+"), "a named server-side statement: " + parse);
        JsonNode bind = events.stream()
                .filter(e -> e.at(PG + "bind/statement").asText().equals(statement))
                .findFirst()
                .orElseThrow()
                .at(PG + "bind");
        String portal = bind.at("/portal").asText();
        assertFalse(portal.isEmpty(), "a cursor is a named portal: " + bind);
        List<JsonNode> executes = events.stream()
                .filter(e -> e.at(PG + "execute/portal").asText().equals(portal))
                .toList();
        assertFalse(executes.isEmpty(), events.toString());
        assertEquals(3, executes.get(0).at(PG + "execute/maxRows").asInt(), "the fetch size is the row limit");
        assertTrue(
                events.stream()
                        .anyMatch(e -> e.at(PG + "close/type").asText().equals("STATEMENT")
                                && e.at(PG + "close/name").asText().equals(statement)),
                "Close of " + statement + " in " + types);
    }

    /** authorization.mode ALL: a denied message is an event with isAuthorized false and the reason. */
    @Test
    void aDeniedMessageIsLoggedAsNotAuthorizedWithItsReason() throws Exception {
        int port = Ports.freePort();
        ProxyEnvironment.post("services", """
                kind: Service
                metadata: {name: svc-audit-all}
                spec:
                  mode: POSTGRES
                  port: %d
                  config:
                    upstream: {url: "postgres://127.0.0.1:%d"}
                    postgres:
                      user: app_scram
                      database: app
                      auth: {password: {fromSecret: scram-pw}}
                      authorization: {mode: ALL}
                  authorization:
                    inlinePolicies:
                      - name: connect
                        spec: {rules: [{effect: ALLOW, condition: {match: 'has(ctx.request.postgres.connect)'}}]}
                      - name: selects-only
                        spec: {rules: [{effect: ALLOW, condition: {match: 'has(ctx.request.postgres.query) && ctx.request.postgres.query.commands.all(c, c == "SELECT")'}}]}
                """.formatted(port, ProxyEnvironment.tlsPg.port()));
        ProxyEnvironment.PORTS.put("svc-audit-all", port);
        Clients.awaitListening("svc-audit-all");
        ProxyEnvironment.user("deep-denied", "[\"dev\"]");
        try (RawClient c = RawClient.connect(port, Map.of("user", "whoever"), Clients.token("deep-denied"))) {
            assertNull(c.refusal);
            assertEquals("1", c.query("select 1").single());
            String error = c.query("delete from pg_class where false").error();
            assertTrue(error != null && error.startsWith("42501"), error);
        }
        List<JsonNode> events = session("deep-denied");
        assertEquals(List.of("SESSION_START", "QUERY", "QUERY", "SESSION_END"), types(events));
        assertTrue(
                events.get(1).at("/entry/common/isAuthorized").asBoolean(),
                events.get(1).toString());
        JsonNode denied = events.get(2);
        assertEquals(
                "delete from pg_class where false",
                denied.at(PG + "query/query").asText());
        assertFalse(denied.at("/entry/common/isAuthorized").asBoolean(), denied.toString());
        assertTrue(denied.at("/entry/common/isAuthenticated").asBoolean());
        assertFalse(denied.at("/entry/common/reason/type").asText().isEmpty(), denied.toString());
        assertTrue(
                denied.at("/entry/common/reason/message").asText().contains("no rule allows User deep-denied"),
                denied.toString());
    }

    /** The events of the user's one connection, once its SESSION_END is on the topic. */
    private static List<JsonNode> session(String user) throws Exception {
        try (AccessLogTopic topic = new AccessLogTopic()) {
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> topic.ofUser(user).stream()
                            .anyMatch(e -> e.at(PG + "type").asText().equals("SESSION_END")));
            return topic.ofUser(user);
        }
    }

    private static List<String> types(List<JsonNode> events) {
        return events.stream().map(e -> e.at(PG + "type").asText()).collect(Collectors.toList());
    }

    private static List<String> texts(JsonNode values) {
        return java.util.stream.StreamSupport.stream(values.spliterator(), false)
                .map(v -> v.at("/text").asText())
                .toList();
    }

    private static char last(String s) {
        return s.charAt(s.length() - 1);
    }
}
