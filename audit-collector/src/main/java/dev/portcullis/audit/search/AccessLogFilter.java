package dev.portcullis.audit.search;

import dev.portcullis.audit.event.IndexedEvent;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * What a search or a live tail asks for. Empty lists mean "any"; several values of one field
 * mean "any of them"; different fields must all match. Names are without namespace, types
 * upper-case, the text lower-case: the same normal form as the indexed columns.
 *
 * @param since inclusive, or null
 * @param until exclusive, or null
 * @param text  a case-insensitive substring of the event's search text, or null
 */
public record AccessLogFilter(
        List<String> services,
        List<String> users,
        List<String> sessions,
        List<String> connections,
        List<String> types,
        Instant since,
        Instant until,
        String text) {

    public AccessLogFilter {
        services = List.copyOf(services);
        users = List.copyOf(users);
        sessions = List.copyOf(sessions);
        connections = List.copyOf(connections);
        types = List.copyOf(types);
        text = text == null || text.isEmpty() ? null : text.toLowerCase(Locale.ROOT);
        // stored times are microseconds: a bound with nanoseconds would miss the event it names
        since = since == null ? null : since.truncatedTo(ChronoUnit.MICROS);
        until = until == null ? null : until.truncatedTo(ChronoUnit.MICROS);
    }

    public static AccessLogFilter any() {
        return new AccessLogFilter(List.of(), List.of(), List.of(), List.of(), List.of(), null, null, null);
    }

    /**
     * For a live tail: `since` only says where its replay starts. Whatever is indexed after it
     * subscribed is new to it, even an event created earlier that arrives late (Kafka lag, a
     * collector catching up after a restart).
     */
    public AccessLogFilter forLiveEvents() {
        return new AccessLogFilter(services, users, sessions, connections, types, null, until, text);
    }

    /** The same test the database query makes, for events that never pass through it (live tail). */
    public boolean matches(IndexedEvent e) {
        return anyOf(services, e.serviceName())
                && anyOf(users, e.user())
                && anyOf(sessions, e.session())
                && anyOf(connections, e.connectionId())
                && anyOf(types, e.type())
                && (since == null || !e.createdAt().isBefore(since))
                && (until == null || e.createdAt().isBefore(until))
                && (text == null || e.text().toLowerCase(Locale.ROOT).contains(text));
    }

    private static boolean anyOf(List<String> wanted, String value) {
        return wanted.isEmpty() || wanted.contains(value);
    }
}
