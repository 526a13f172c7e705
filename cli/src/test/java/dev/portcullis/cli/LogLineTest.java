package dev.portcullis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.testkit.ProjectLayout;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class LogLineTest {
    private static final String COMMON = """
            "common": {"connectionID": "ab12cd34ef56", "isAuthenticated": true, "isAuthorized": true,
              "reason": {"type": "POLICY_MATCH"},
              "serviceRef": {"kind": "Service", "name": "pg-db.default"},
              "userRef": {"kind": "User", "name": "alice"}, "sessionRef": {"name": "alice-s1"}}""";

    private static JsonNode event(String createdAt, String postgres) throws Exception {
        return event(createdAt, COMMON, postgres);
    }

    private static JsonNode event(String createdAt, String common, String postgres) throws Exception {
        return Json.JSON.readTree("""
                {"apiVersion": "core/v1", "kind": "AccessLog",
                 "metadata": {"id": "e1", "createdAt": "%s"},
                 "entry": {%s, "info": {"postgres": %s}}}""".formatted(createdAt, common, postgres));
    }

    @Test
    void aQueryIsOneReadableLine() throws Exception {
        JsonNode e = event(
                "2026-11-27T12:00:01.123456789Z",
                "{\"type\": \"QUERY\", \"query\": {\"query\": \"select *\\n  from t\\twhere x = 1\"}}");
        assertEquals(
                "2026-11-27T12:00:01.123Z  QUERY          alice  pg-db  conn=ab12cd34  select * from t where x = 1",
                LogLine.format(e));
    }

    @Test
    void theReferenceEvent() throws Exception {
        JsonNode golden = Json.JSON.readTree(
                Files.readString(ProjectLayout.root().resolve("api/src/test/resources/reference/accesslog.json")));
        assertEquals(
                "2025-03-21T22:15:32.000Z  QUERY          usr1  pg1  conn=dnm3-09g  CREATE DATABASE db01;",
                LogLine.format(golden));
    }

    @Test
    void extendedProtocolMessages() throws Exception {
        assertEquals(
                "stmt=s1 select $1",
                LogLine.detail(
                        "PARSE", Json.JSON.readTree("{\"parse\": {\"name\": \"s1\", \"query\": \"select $1\"}}")));
        assertEquals(
                "select 1 [truncated by the proxy]",
                LogLine.detail(
                        "PARSE", Json.JSON.readTree("{\"parse\": {\"query\": \"select 1\", \"isTruncated\": true}}")));
        assertEquals(
                "stmt=s1 params=('abc', NULL, <3 bytes>)",
                LogLine.detail(
                        "BIND",
                        Json.JSON.readTree(
                                "{\"bind\": {\"statement\": \"s1\", \"parameters\": [{\"text\": \"abc\"}, {\"isNull\": true}, {\"binary\": \"AQID\"}]}}")));
        assertEquals(
                "portal=p1 max_rows=10",
                LogLine.detail("EXECUTE", Json.JSON.readTree("{\"execute\": {\"portal\": \"p1\", \"maxRows\": 10}}")));
        assertEquals("", LogLine.detail("EXECUTE", Json.JSON.readTree("{\"execute\": {}}")));
        assertEquals(
                "insert into t values ($1) ... <9000000 bytes in all> [truncated by the proxy]",
                LogLine.detail(
                        "BIND",
                        Json.JSON.readTree(
                                "{\"query\": {\"query\": \"insert into t values ($1) ... <9000000 bytes in all>\","
                                        + " \"isTruncated\": true}}")),
                "a streamed message, described by the proxy");
        assertEquals(
                "STATEMENT s1",
                LogLine.detail(
                        "CLOSE", Json.JSON.readTree("{\"close\": {\"type\": \"STATEMENT\", \"name\": \"s1\"}}")));
        assertEquals(
                "oid=1598 args=('x')",
                LogLine.detail(
                        "FUNCTION_CALL",
                        Json.JSON.readTree("{\"functionCall\": {\"oid\": 1598, \"arguments\": [{\"text\": \"x\"}]}}")));
    }

    @Test
    void sessionStartShowsWhoBecameWhom() throws Exception {
        JsonNode e = event("2026-11-27T12:00:00Z", """
                {"type": "SESSION_START", "sessionStart": {"user": "app", "database": "demo", "requestedUser": "alice",
                 "requestedDatabase": "demo", "applicationName": "psql", "clientAddress": "127.0.0.1:50000"}}""");
        assertEquals(
                "2026-11-27T12:00:00.000Z  SESSION_START  alice  pg-db  conn=ab12cd34"
                        + "  alice -> app/demo app=psql client=127.0.0.1:50000",
                LogLine.format(e));
        assertEquals("bob -> prod/prod-db (asked for demo) config=prod", LogLine.sessionStart(Json.JSON.readTree("""
                {"user": "prod", "database": "prod-db", "requestedUser": "bob", "requestedDatabase": "demo",
                 "configName": "prod"}""")));
    }

    @Test
    void sessionEndShowsDurationAndBytes() throws Exception {
        // protobuf JSON writes 64-bit numbers as strings
        JsonNode e = event("2026-11-27T12:00:00Z", """
                {"type": "SESSION_END", "sessionEnd": {"durationMillis": "83500", "bytesFromClient": "2048",
                 "bytesToClient": "5347737", "messagesFromClient": "12", "messagesToClient": "40", "reason": "client closed"}}""");
        assertTrue(
                LogLine.format(e).endsWith("duration=1m23s in=2.0KB out=5.1MB msgs=12/40 (client closed)"),
                LogLine.format(e));
        assertEquals("850ms", LogLine.duration(850));
        assertEquals("1.5s", LogLine.duration(1500));
        assertEquals("2h05m", LogLine.duration(7_500_000));
        assertEquals("999B", LogLine.bytes(999));
    }

    @Test
    void deniedEventsSayWhy() throws Exception {
        String common = """
                "common": {"connectionID": "zz", "isAuthenticated": true, "isAuthorized": false,
                  "reason": {"type": "NO_POLICY_MATCH", "message": "no policy allows eve"},
                  "serviceRef": {"name": "pg-db.default"}, "userRef": {"name": "eve"}}""";
        JsonNode e = event(
                "2026-11-27T12:00:00Z",
                common,
                "{\"type\": \"SESSION_START\", \"sessionStart\": {\"requestedUser\": \"eve\", \"requestedDatabase\": \"demo\"}}");
        assertEquals(
                "2026-11-27T12:00:00.000Z  SESSION_START  eve  pg-db  conn=zz"
                        + "  DENIED (NO_POLICY_MATCH: no policy allows eve)  eve (asked for demo)",
                LogLine.format(e));
    }

    @Test
    void missingFieldsDoNotBreakTheLine() throws Exception {
        JsonNode bare = Json.JSON.readTree("{\"entry\": {\"common\": {\"isAuthorized\": true}}}");
        assertEquals("-                         UNKNOWN        -  -  conn=-", LogLine.format(bare));
    }

    @Test
    void longSqlIsCut() throws Exception {
        JsonNode e = event(
                "2026-11-27T12:00:00Z",
                "{\"type\": \"QUERY\", \"query\": {\"query\": \"select '" + "x".repeat(1000) + "'\"}}");
        String line = LogLine.format(e);
        assertTrue(line.endsWith("..."), line);
        assertTrue(line.length() < LogLine.MAX_DETAIL + 100, "one screen-ish line: " + line.length());
    }
}
