package dev.portcullis.cli;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The filters of {@code logs}, as audit-collector's query parameters. */
final class LogFilters {
    @Option(names = "--service", paramLabel = "S", order = 2, description = "only this Service (repeatable)")
    List<String> service = List.of();

    @Option(names = "--user", paramLabel = "U", order = 3, description = "only this User (repeatable)")
    List<String> user = List.of();

    @Option(names = "--session", paramLabel = "X", order = 4, description = "only this Session (repeatable)")
    List<String> session = List.of();

    @Option(names = "--connection", paramLabel = "ID", order = 5, description = "only this connection id (repeatable)")
    List<String> connection = List.of();

    @Option(
            names = "--type",
            paramLabel = "T",
            order = 6,
            description = "SESSION_START, SESSION_END, QUERY, PARSE, BIND, EXECUTE, CLOSE or FUNCTION_CALL"
                    + " (repeatable, or comma-separated)")
    List<String> type = List.of();

    @Option(names = "--since", paramLabel = "TIME", order = 7, description = "from this time on (10m: ten minutes ago)")
    String since;

    @Option(names = "--until", paramLabel = "TIME", order = 8, description = "before this time")
    String until;

    @Option(
            names = "--text",
            paramLabel = "TEXT",
            order = 9,
            description = "only events whose SQL (or other detail) contains TEXT, ignoring case")
    String text;

    /**
     * The query parameters. A relative time ("10m") becomes an absolute one here, once, so that
     * every page of one command, and every reconnect of {@code -f}, uses the same window.
     */
    Map<String, List<String>> params(Instant now) {
        Map<String, List<String>> p = new LinkedHashMap<>();
        put(p, "service", service);
        put(p, "user", user);
        put(p, "session", session);
        put(p, "connection", connection);
        put(p, "type", type);
        if (since != null) {
            p.put("since", List.of(absolute("--since", since, now).toString()));
        }
        if (until != null) {
            p.put("until", List.of(absolute("--until", until, now).toString()));
        }
        if (text != null && !text.isEmpty()) {
            p.put("text", List.of(text));
        }
        return p;
    }

    Instant untilInstant(Instant now) {
        return until == null ? null : absolute("--until", until, now);
    }

    static Instant absolute(String option, String value, Instant now) {
        String v = value.trim();
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException notATime) {
            // then a duration ago
        }
        try {
            return now.minus(DurationText.parse(v));
        } catch (IllegalArgumentException e) {
            throw new CliException(option + ": '" + value + "' is neither an RFC 3339 time (2026-11-27T12:00:00Z)"
                    + " nor a duration ago (10m, 2h, 1h30m, 7d)");
        }
    }

    private static void put(Map<String, List<String>> p, String key, List<String> values) {
        if (values != null && !values.isEmpty()) {
            p.put(key, List.copyOf(values));
        }
    }
}
