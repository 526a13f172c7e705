package dev.portcullis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code logs} in-process against {@link FakeAuditServer}. */
class LogsCommandTest {
    private FakeAuditServer audit;

    @BeforeEach
    void start() throws Exception {
        audit = new FakeAuditServer();
    }

    @AfterEach
    void stop() {
        audit.close();
    }

    private static String event(String id, String createdAt, String sql) {
        return ("{\"metadata\":{\"id\":\"%s\",\"createdAt\":\"%s\"},\"entry\":{\"common\":{\"connectionID\":\"c1\","
                        + "\"isAuthorized\":true,\"userRef\":{\"name\":\"alice\"},\"serviceRef\":{\"name\":\"pg-db.default\"}},"
                        + "\"info\":{\"postgres\":{\"type\":\"QUERY\",\"query\":{\"query\":\"%s\"}}}}}")
                .formatted(id, createdAt, sql);
    }

    private static String page(String next, String... items) {
        return "{\"apiVersion\":\"core/v1\",\"kind\":\"AccessLogList\",\"items\":[" + String.join(",", items) + "]"
                + (next == null ? "" : ",\"nextCursor\":\"" + next + "\"") + "}";
    }

    private CliRun logs(String... args) {
        List<String> all = new ArrayList<>(List.of("logs"));
        all.addAll(List.of(args));
        return CliRun.run(
                Map.of("PORTCULLIS_AUDIT_SERVER", audit.uri().toString(), "PORTCULLIS_TOKEN", audit.token),
                "",
                all.toArray(String[]::new));
    }

    @Test
    void followsPagesAndPrintsOneLineEach() {
        audit.pages = q -> q.containsKey("cursor")
                ? page(null, event("e3", "2020-01-01T02:00:03Z", "select 3"))
                : page(
                        "next-1",
                        event("e1", "2020-01-01T02:00:01Z", "select 1"),
                        event("e2", "2020-01-01T02:00:02Z", "select 2"));
        CliRun r = logs(
                "--service",
                "pg-db",
                "--type",
                "QUERY,PARSE",
                "--user",
                "alice",
                "--user",
                "bob",
                "--since",
                "90m",
                "--text",
                "from x");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("""
                2020-01-01T02:00:01.000Z  QUERY          alice  pg-db  conn=c1  select 1
                2020-01-01T02:00:02.000Z  QUERY          alice  pg-db  conn=c1  select 2
                2020-01-01T02:00:03.000Z  QUERY          alice  pg-db  conn=c1  select 3
                """, r.out());
        var first = audit.pageRequests.get(0);
        assertEquals(List.of("pg-db"), first.get("service"));
        assertEquals(List.of("QUERY,PARSE"), first.get("type"));
        assertEquals(List.of("alice", "bob"), first.get("user"));
        assertEquals(List.of("from x"), first.get("text"));
        assertEquals(List.of("2020-01-01T01:30:00Z"), first.get("since"), "relative times are fixed once, by the CLI");
        assertEquals(List.of("1000"), first.get("limit"));
        assertEquals(List.of("next-1"), audit.pageRequests.get(1).get("cursor"));
        assertEquals(first.get("since"), audit.pageRequests.get(1).get("since"), "the same window on every page");
    }

    @Test
    void limitShowsTheMostRecentOldestFirst() {
        audit.pages = q -> page(
                "more",
                event("e9", "2020-01-01T02:00:09Z", "select 9"),
                event("e8", "2020-01-01T02:00:08Z", "select 8"));
        CliRun r = logs("--limit", "2", "-o", "json");
        assertEquals(0, r.exitCode(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r.toString());
        assertTrue(lines.get(0).contains("\"e8\"") && lines.get(1).contains("\"e9\""), r.out());
        assertTrue(lines.get(0).startsWith("{\"metadata\""), "the event's JSON, on one line");
        assertEquals(1, audit.pageRequests.size(), "stops once it has enough");
        assertEquals(List.of("desc"), audit.pageRequests.get(0).get("order"));
        assertEquals(List.of("2"), audit.pageRequests.get(0).get("limit"));
    }

    @Test
    void errorsAreOneLine() {
        audit.pages =
                q -> "{\"title\":\"Bad Request\",\"status\":400,\"detail\":\"type: unknown type \\\"SELECT\\\"\"}";
        CliRun bad = logs("--type", "select");
        assertEquals(1, bad.exitCode());
        assertEquals("error: type: unknown type \"SELECT\"\n", bad.err());

        CliRun unauthorized = CliRun.run(
                Map.of("PORTCULLIS_AUDIT_SERVER", audit.uri().toString(), "PORTCULLIS_TOKEN", "wrong"), "", "logs");
        assertEquals(1, unauthorized.exitCode());
        assertTrue(
                unauthorized.err().startsWith("error: the bearer token is not valid (check PORTCULLIS_TOKEN"),
                unauthorized.toString());
        assertFalse(unauthorized.err().contains("wrong"), "never the token");

        CliRun down = CliRun.run(Map.of("PORTCULLIS_TOKEN", "t"), "", "logs", "--audit-server", "http://127.0.0.1:1");
        assertEquals(1, down.exitCode());
        assertTrue(down.err().startsWith("error: cannot reach audit-collector at http://127.0.0.1:1"), down.toString());

        CliRun badTime = logs("--since", "yesterday");
        assertEquals(1, badTime.exitCode());
        assertTrue(badTime.err().contains("--since: 'yesterday' is neither"), badTime.toString());
    }

    @Test
    void followPrintsTheStreamAndReconnectsWithoutRepeats() {
        Instant t0 = Instant.parse("2020-01-01T03:00:00Z");
        AtomicReference<Instant> now = new AtomicReference<>(t0);
        audit.streams.add(":subscribed\n\nid: e1\nevent: accesslog\ndata: "
                + event("e1", "2020-01-01T02:59:59Z", "select 1") + "\n\n: heartbeat\n\n");
        audit.streams.add(":subscribed\n\nevent: accesslog\ndata: " + event("e1", "2020-01-01T02:59:59Z", "select 1")
                + "\n\nevent: accesslog\ndata: " + event("e2", "2020-01-01T03:00:05Z", "select 2") + "\n\n");
        // the second stream request is the reconnect: the window closes after it
        audit.onStream = () -> {
            if (audit.streamRequests.size() == 2) {
                now.set(t0.plusSeconds(120));
            }
        };
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Clock clock = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        CliContext ctx = new CliContext(
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                new ByteArrayInputStream(new byte[0]),
                Map.of("PORTCULLIS_AUDIT_SERVER", audit.uri().toString(), "PORTCULLIS_TOKEN", audit.token),
                () -> null,
                Path.of("/nonexistent-home"),
                clock);
        int code = Main.run(ctx, "logs", "-f", "--service", "pg-db", "--until", "2020-01-01T03:01:00Z");
        assertEquals(0, code, out + "\n" + err);
        assertEquals(
                List.of("select 1", "select 2"),
                out.toString()
                        .lines()
                        .map(l -> l.substring(l.lastIndexOf("  ") + 2))
                        .toList(),
                out.toString());
        assertTrue(
                err.toString().contains("# stream ended (the server closed the stream); reconnecting"), err.toString());
        assertFalse(audit.streamRequests.get(0).containsKey("since"), "a plain -f starts with new events");
        assertEquals(
                List.of("2020-01-01T02:59:30Z"),
                audit.streamRequests.get(1).get("since"),
                "the reconnect asks from a little before the break");
        assertEquals(List.of("pg-db"), audit.streamRequests.get(1).get("service"));
    }

    @Test
    void followWithLimitContinuesWhereTheListingEnded() {
        audit.pages = q -> page(
                null, event("e2", "2020-01-01T02:59:02Z", "select 2"), event("e1", "2020-01-01T02:59:01Z", "select 1"));
        audit.streams.add(":subscribed\n\nevent: accesslog\ndata: " + event("e2", "2020-01-01T02:59:02Z", "select 2")
                + "\n\nevent: accesslog\ndata: " + event("e3", "2020-01-01T02:59:03Z", "select 3") + "\n\n");
        // the window is already over when the stream ends: -f stops there
        CliRun r = logs("-f", "--limit", "2", "--until", "2020-01-01T03:00:00Z");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(
                List.of("select 1", "select 2", "select 3"),
                r.out().lines().map(l -> l.substring(l.lastIndexOf("  ") + 2)).toList(),
                r.toString());
        assertEquals(
                List.of("2020-01-01T02:59:02Z"), audit.streamRequests.get(0).get("since"));
    }

    @Test
    void followFailsAtOnceWhenTheCollectorCannotBeReached() {
        CliRun r =
                CliRun.run(Map.of("PORTCULLIS_TOKEN", "t"), "", "logs", "-f", "--audit-server", "http://127.0.0.1:1");
        assertEquals(1, r.exitCode());
        assertEquals(1, r.err().lines().count(), r.toString());
    }
}
