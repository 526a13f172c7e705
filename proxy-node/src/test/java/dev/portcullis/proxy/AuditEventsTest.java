package dev.portcullis.proxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.largeobject.LargeObjectManager;

/** The access-log events of real sessions, as they land on the Kafka topic. */
@QuarkusTest
@QuarkusTestResource(ProxyEnvironment.class)
class AuditEventsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyFrontendMessageOfPsqlAndJdbcBecomesAnEvent() throws Exception {
        Clients.awaitListening("svc-scram");
        var psql = Clients.psql(
                "svc-scram",
                "auditor",
                "require",
                "select 42 as answer; create role portcullis_x password 'supersecret-literal'",
                "application_name=audit-test");
        assertTrue(psql.err().contains("permission denied"), psql.toString());
        try (Connection c = Clients.jdbc("svc-scram", "auditor")) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("select ?::int + ?::int, ?::text")) {
                ps.setInt(1, 40);
                ps.setInt(2, 2);
                ps.setString(3, "bound text");
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertEquals(42, rs.getInt(1));
                }
            }
            LargeObjectManager lo = c.unwrap(PGConnection.class).getLargeObjectAPI(); // FunctionCall messages
            lo.createLO();
            c.rollback();
        }
        try (AccessLogTopic topic = new AccessLogTopic()) {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> topic.ofUser("auditor").stream()
                                    .filter(e -> type(e).equals("SESSION_END"))
                                    .count()
                            == 2);
            List<JsonNode> events = topic.ofUser("auditor");
            var byConnection = events.stream()
                    .collect(Collectors.groupingBy(
                            e -> e.at("/entry/common/connectionID").asText(),
                            java.util.LinkedHashMap::new,
                            Collectors.toList()));
            assertEquals(2, byConnection.size());
            for (List<JsonNode> session : byConnection.values()) {
                assertEquals("SESSION_START", type(session.get(0)), "in order per connection");
                assertEquals("SESSION_END", type(session.get(session.size() - 1)));
            }
            Set<String> types = events.stream().map(AuditEventsTest::type).collect(Collectors.toSet());
            assertTrue(
                    types.containsAll(Set.of(
                            "SESSION_START", "QUERY", "PARSE", "BIND", "EXECUTE", "FUNCTION_CALL", "SESSION_END")),
                    types.toString());

            // the psql session's start: the topic has several partitions, so the two sessions'
            // events interleave in any order (each session's own events stay in order)
            String psqlConnection = events.stream()
                    .filter(e -> type(e).equals("QUERY")
                            && e.at("/entry/info/postgres/query/query").asText().contains("select 42 as answer"))
                    .findFirst()
                    .orElseThrow()
                    .at("/entry/common/connectionID")
                    .asText();
            JsonNode start = first(byConnection.get(psqlConnection), "SESSION_START");
            assertEquals(
                    "app_scram",
                    start.at("/entry/info/postgres/sessionStart/user").asText());
            assertEquals(
                    "whoever",
                    start.at("/entry/info/postgres/sessionStart/requestedUser").asText());
            assertEquals(
                    "audit-test",
                    start.at("/entry/info/postgres/sessionStart/applicationName")
                            .asText());
            assertTrue(start.at("/entry/info/postgres/sessionStart/clientTls").asBoolean());
            assertTrue(start.at("/entry/common/isAuthorized").asBoolean());
            assertEquals(
                    "devs",
                    start.at("/entry/common/reason/details/policyMatch/policy/name")
                            .asText());

            List<String> queries = events.stream()
                    .filter(e -> type(e).equals("QUERY"))
                    .map(e -> e.at("/entry/info/postgres/query/query").asText())
                    .toList();
            assertTrue(queries.stream().anyMatch(q -> q.contains("select 42 as answer")), queries.toString());
            assertTrue(
                    queries.stream()
                            .anyMatch(q -> q.contains("PASSWORD '<redacted>'") || q.contains("password '<redacted>'")),
                    queries.toString());
            assertFalse(events.toString().contains("supersecret-literal"), "password literals never reach the trail");

            JsonNode parse = events.stream()
                    .filter(e -> type(e).equals("PARSE")
                            && e.at("/entry/info/postgres/parse/query").asText().contains("?") == false
                            && e.at("/entry/info/postgres/parse/query").asText().contains("$1::int + $2::int"))
                    .findFirst()
                    .orElseThrow();
            assertTrue(parse.at("/entry/info/postgres/parse/query").asText().contains("$3::text"));
            JsonNode bind = events.stream()
                    .filter(e -> type(e).equals("BIND")
                            && e.at("/entry/info/postgres/bind/parameters").size() == 3)
                    .findFirst()
                    .orElseThrow();
            assertEquals(
                    "bound text",
                    bind.at("/entry/info/postgres/bind/parameters/2/text").asText());
            JsonNode fn = first(events, "FUNCTION_CALL");
            assertTrue(fn.at("/entry/info/postgres/functionCall/oid").asLong() > 0);

            JsonNode end = first(events, "SESSION_END");
            assertTrue(end.at("/entry/info/postgres/sessionEnd/bytesFromClient").asLong() > 0);
            assertTrue(
                    end.at("/entry/info/postgres/sessionEnd/messagesFromClient").asLong() > 0);
            assertFalse(
                    end.at("/entry/info/postgres/sessionEnd/reason").asText().isEmpty());
            assertFalse(events.toString().contains(Clients.token("auditor")), "no token in any event");
        }
    }

    @Test
    void servicesCanRedactEveryLiteral() throws Exception {
        ProxyEnvironment.service(
                "svc-redacted",
                "postgres://127.0.0.1:" + ProxyEnvironment.tlsPg.port(),
                "app_scram",
                "scram-pw",
                "PREFER",
                "",
                "PREFER",
                "  audit: {redactLiterals: true}\n");
        Clients.awaitListening("svc-redacted");
        ProxyEnvironment.user("redacted-user", "[\"dev\"]");
        Clients.psql("svc-redacted", "redacted-user", "require", "select 'card-4111' as v, 1234567 as n");
        try (Connection c = Clients.jdbc("svc-redacted", "redacted-user");
                PreparedStatement ps = c.prepareStatement("select ?::text")) {
            ps.setString(1, "bound-secret-value");
            ps.executeQuery().close();
        }
        try (AccessLogTopic topic = new AccessLogTopic()) {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> topic.ofUser("redacted-user").stream()
                                    .filter(e -> type(e).equals("SESSION_END"))
                                    .count()
                            == 2);
            List<JsonNode> events = topic.ofUser("redacted-user");
            String all = events.toString();
            assertFalse(
                    all.contains("card-4111") || all.contains("1234567") || all.contains("bound-secret-value"), all);
            assertTrue(
                    events.stream()
                            .anyMatch(e -> e.at("/entry/info/postgres/query/query")
                                    .asText()
                                    .equals("select ? as v, ? as n")),
                    all);
        }
    }

    @Test
    void refusedConnectionsAreLoggedAsNotAuthorized() throws Exception {
        Clients.psql("svc-scram", "eve", "require", "select 1");
        try (AccessLogTopic topic = new AccessLogTopic()) {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !topic.ofUser("eve").isEmpty());
            JsonNode refused = topic.ofUser("eve").get(0);
            assertEquals("SESSION_START", type(refused));
            assertFalse(refused.at("/entry/common/isAuthorized").asBoolean());
            assertTrue(refused.at("/entry/common/isAuthenticated").asBoolean());
            assertEquals(
                    "NO_POLICY_MATCH", refused.at("/entry/common/reason/type").asText());
            assertTrue(refused.at("/entry/common/reason/message").asText().contains("no rule allows User eve"));
        }
    }

    /** Each event type has the reference's shape: the same keys in metadata and entry.common. */
    @Test
    void goldenShapeAgainstTheReferenceExample() throws Exception {
        JsonNode reference;
        try (InputStream in = AuditEventsTest.class.getResourceAsStream("/reference-accesslog.json")) {
            reference = JSON.readTree(in);
        }
        Clients.awaitListening("svc-scram");
        try (Connection c = Clients.jdbc("svc-scram", "alice");
                PreparedStatement ps = c.prepareStatement("select ?::int")) {
            ps.setInt(1, 1);
            ps.executeQuery().close();
        }
        try (AccessLogTopic topic = new AccessLogTopic()) {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> topic.ofUser("alice").stream().anyMatch(e -> type(e).equals("SESSION_END")));
            Set<String> seen = new HashSet<>();
            for (JsonNode e : topic.poll()) {
                if (!e.at("/entry/common/isAuthorized").asBoolean() || !seen.add(type(e))) {
                    continue;
                }
                assertEquals(fields(reference), fields(e), "top level of " + type(e));
                assertEquals(fields(reference.get("metadata")), fields(e.get("metadata")), "metadata of " + type(e));
                assertEquals(
                        fields(reference.at("/entry/common")), fields(e.at("/entry/common")), "common of " + type(e));
                assertEquals(
                        fields(reference.at("/entry/common/serviceRef")), fields(e.at("/entry/common/serviceRef")));
                assertTrue(e.at("/entry/common/serviceRef/name").asText().endsWith(".default"));
            }
            assertTrue(seen.size() >= 4, seen.toString());
        }
    }

    private static Set<String> fields(JsonNode n) {
        Set<String> out = new HashSet<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    private static String type(JsonNode e) {
        return e.at("/entry/info/postgres/type").asText();
    }

    private static JsonNode first(List<JsonNode> events, String type) {
        return events.stream()
                .filter(e -> type(e).equals(type))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + type));
    }
}
