package dev.portcullis.audit.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FilterParserTest {
    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

    private static FilterParser.Params params(List<String> service, List<String> type, String since, String until) {
        return new FilterParser.Params(service, null, null, null, type, since, until, null);
    }

    @Test
    void listsAreRepeatedOrCommaSeparatedAndNormalised() {
        AccessLogFilter f = FilterParser.filter(
                params(List.of("pg1.default, pg2", "pg1"), List.of("query,Parse", " bind "), null, null), NOW);
        assertEquals(List.of("pg1", "pg2"), f.services());
        assertEquals(List.of("QUERY", "PARSE", "BIND"), f.types());
    }

    @Test
    void timesAreRfc3339OrDurationsAgo() {
        AccessLogFilter f = FilterParser.filter(params(null, null, "1h30m", "2026-11-27T13:00:00+01:00"), NOW);
        assertEquals(Instant.parse("2026-11-27T10:30:00Z"), f.since());
        assertEquals(Instant.parse("2026-11-27T12:00:00Z"), f.until());
        assertEquals(
                Instant.parse("2026-11-20T12:00:00Z"),
                FilterParser.filter(params(null, null, "7d", null), NOW).since());
    }

    @Test
    void mistakesNameTheParameter() {
        assertMessage(
                "type: unknown type \"SELECT\"",
                () -> FilterParser.filter(params(null, List.of("select"), null, null), NOW));
        assertMessage(
                "since: \"yesterday\" is neither",
                () -> FilterParser.filter(params(null, null, "yesterday", null), NOW));
        assertMessage("must be before until", () -> FilterParser.filter(params(null, null, "1h", "2h"), NOW));
        FilterParser.Params none = params(null, null, null, null);
        assertMessage(
                "limit: must be between 1 and 1000",
                () -> FilterParser.request(none, 1001, null, null, 100, 1000, NOW));
        assertMessage(
                "limit: must be between 1 and 1000", () -> FilterParser.request(none, 0, null, null, 100, 1000, NOW));
        assertMessage(
                "order: expected asc or desc", () -> FilterParser.request(none, null, null, "up", 100, 1000, NOW));
        assertMessage("cursor: not a cursor", () -> FilterParser.request(none, null, "garbage!", null, 100, 1000, NOW));
        String asc = new Cursor(NOW, 5, false).encode();
        assertMessage(
                "cursor: it was made for order=asc",
                () -> FilterParser.request(none, null, asc, "desc", 100, 1000, NOW));
    }

    @Test
    void defaults() {
        SearchRequest r = FilterParser.request(params(null, null, null, null), null, null, null, 100, 1000, NOW);
        assertEquals(100, r.limit());
        assertEquals(false, r.descending());
        assertNull(r.after());
        assertEquals(AccessLogFilter.any(), r.filter());
    }

    @Test
    void cursorsRoundTrip() {
        Cursor c = new Cursor(Instant.parse("2026-11-27T12:00:01.123456Z"), 42, true);
        assertEquals(c, Cursor.decode(c.encode()));
        assertTrue(c.encode().matches("[A-Za-z0-9_-]+"), "URL-safe: " + c.encode());
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        InvalidSearchException e = assertThrows(InvalidSearchException.class, call);
        assertTrue(e.getMessage().contains(expected), e.getMessage() + " should contain " + expected);
    }
}
