package dev.portcullis.audit.search;

import dev.portcullis.audit.event.EventTypes;
import dev.portcullis.audit.event.Names;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Query parameters to an {@link AccessLogFilter} or {@link SearchRequest}. Every list parameter
 * may be repeated ({@code type=QUERY&type=PARSE}) or comma-separated ({@code type=QUERY,PARSE}).
 */
public final class FilterParser {
    private FilterParser() {}

    /** The raw parameters, as received (any may be null or empty). */
    public record Params(
            List<String> service,
            List<String> user,
            List<String> session,
            List<String> connection,
            List<String> type,
            String since,
            String until,
            String text) {}

    public static AccessLogFilter filter(Params p, Instant now) {
        List<String> types = values(p.type(), Names::type);
        for (String t : types) {
            if (!EventTypes.ALL.contains(t)) {
                throw new InvalidSearchException(
                        "type: unknown type \"" + t + "\"; expected one of " + String.join(", ", EventTypes.ALL));
            }
        }
        Instant since = time("since", p.since(), now);
        Instant until = time("until", p.until(), now);
        if (since != null && until != null && !since.isBefore(until)) {
            throw new InvalidSearchException("since (" + since + ") must be before until (" + until + ")");
        }
        String text = p.text() == null || p.text().isEmpty() ? null : p.text();
        return new AccessLogFilter(
                values(p.service(), Names::withoutNamespace),
                values(p.user(), Names::withoutNamespace),
                values(p.session(), Names::withoutNamespace),
                values(p.connection(), UnaryOperator.identity()),
                types,
                since,
                until,
                text);
    }

    public static SearchRequest request(
            Params p, Integer limit, String cursor, String order, int defaultLimit, int maxLimit, Instant now) {
        AccessLogFilter filter = filter(p, now);
        int n = limit == null ? defaultLimit : limit;
        if (n < 1 || n > maxLimit) {
            throw new InvalidSearchException(
                    "limit: must be between 1 and " + maxLimit + ", was " + n + "; follow nextCursor for more");
        }
        String o = order == null || order.isBlank() ? "asc" : order.trim().toLowerCase(Locale.ROOT);
        if (!o.equals("asc") && !o.equals("desc")) {
            throw new InvalidSearchException("order: expected asc or desc, was \"" + order + "\"");
        }
        boolean descending = o.equals("desc");
        Cursor after = null;
        if (cursor != null && !cursor.isBlank()) {
            try {
                after = Cursor.decode(cursor);
            } catch (IllegalArgumentException e) {
                throw new InvalidSearchException(e.getMessage());
            }
            if (after.descending() != descending) {
                throw new InvalidSearchException("cursor: it was made for order="
                        + (after.descending() ? "desc" : "asc") + "; pass the same order as the first page");
            }
        }
        return new SearchRequest(filter, n, descending, after);
    }

    private static Instant time(String name, String text, Instant now) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return TimeBound.parse(name, text, now);
        } catch (IllegalArgumentException e) {
            throw new InvalidSearchException(e.getMessage());
        }
    }

    /** Repeated and comma-separated values, trimmed, normalised, without blanks and repeats. */
    static List<String> values(List<String> raw, UnaryOperator<String> normal) {
        if (raw == null) {
            return List.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (String r : raw) {
            if (r == null) {
                continue;
            }
            for (String part : r.split(",")) {
                String t = part.trim();
                if (!t.isEmpty()) {
                    out.add(normal.apply(t));
                }
            }
        }
        return new ArrayList<>(out);
    }
}
