package dev.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * {@code logs -f}: the live tail, kept open. When the stream breaks after it was open (the
 * collector restarted, the network blipped), it reconnects and asks for events since a little
 * before the break, skipping the ones it already printed.
 */
final class LogFollower {
    /** How far before the break a reconnect replays: covers events that were still being indexed. */
    static final Duration RESUME_SLACK = Duration.ofSeconds(30);

    private static final int REMEMBERED_IDS = 100_000;
    private static final Duration RETRY_MIN = Duration.ofMillis(500);
    private static final Duration RETRY_MAX = Duration.ofSeconds(10);

    private final AuditClient client;
    private final Map<String, List<String>> params;
    private final Instant until;
    private final LogPrinter printer;
    private final PrintWriter err;
    private final Clock clock;
    private final LinkedHashSet<String> printed = new LinkedHashSet<>();
    private Map<String, List<String>> start;
    private boolean opened;
    /** When the current outage began: a reconnect replays from a little before it. */
    private Instant brokeAt;

    LogFollower(
            AuditClient client,
            Map<String, List<String>> params,
            Instant until,
            LogPrinter printer,
            PrintWriter err,
            Clock clock) {
        this.client = client;
        this.params = params;
        this.until = until;
        this.printer = printer;
        this.err = err;
        this.clock = clock;
        this.start = params;
    }

    /**
     * Starts the tail where a listing ended: from the newest listed event's time (else from
     * {@code listedAt}), skipping the listed events that the replay sends again.
     */
    void continueAfter(List<JsonNode> listed, Instant listedAt) {
        Instant from = listedAt;
        for (JsonNode e : listed) {
            remember(e.at("/metadata/id").asText(""));
            Instant t = Tables.instant(e.at("/metadata/createdAt").asText(null));
            if (t != null) {
                from = t;
            }
        }
        start = new LinkedHashMap<>(params);
        start.put("since", List.of(from.toString()));
    }

    void run() {
        Map<String, List<String>> request = start;
        Duration retry = RETRY_MIN;
        while (true) {
            try {
                client.stream(request, this::onOpen, this::onEvent);
            } catch (AuditClient.StreamEnded e) {
                brokeAt = brokeAt == null ? clock.instant() : brokeAt;
                if (until != null && !clock.instant().isBefore(until)) {
                    return; // the window is over: nothing more can come
                }
                err.println("# stream ended (" + e.getMessage() + "); reconnecting to " + client.server());
                err.flush();
                retry = RETRY_MIN;
            } catch (ApiException e) {
                throw e; // the server said no (token, parameters): retrying will not help
            } catch (CliException e) {
                if (!opened) {
                    throw e; // never connected: most likely the wrong address
                }
                brokeAt = brokeAt == null ? clock.instant() : brokeAt;
                err.println("# " + e.getMessage() + "; retrying in " + retry.toMillis() + " ms");
                err.flush();
            }
            pause(retry);
            retry = retry.multipliedBy(2).compareTo(RETRY_MAX) > 0 ? RETRY_MAX : retry.multipliedBy(2);
            request = resumeFrom(brokeAt.minus(RESUME_SLACK));
        }
    }

    private void onOpen() {
        opened = true;
        brokeAt = null;
    }

    private void onEvent(String data) {
        JsonNode event;
        try {
            event = Json.JSON.readTree(data);
        } catch (IOException e) {
            err.println("# skipped an event that is not JSON");
            return;
        }
        if (remember(event.at("/metadata/id").asText(""))) {
            printer.print(event);
        }
    }

    /** @return false when this id was printed already */
    private boolean remember(String id) {
        if (id.isEmpty()) {
            return true;
        }
        if (!printed.add(id)) {
            return false;
        }
        if (printed.size() > REMEMBERED_IDS) {
            printed.remove(printed.iterator().next());
        }
        return true;
    }

    /** The same filters from {@code from} on, but never earlier than what the user asked for. */
    private Map<String, List<String>> resumeFrom(Instant from) {
        Map<String, List<String>> p = new LinkedHashMap<>(params);
        Instant asked = p.containsKey("since") ? Instant.parse(p.get("since").get(0)) : null;
        p.put("since", List.of((asked != null && asked.isAfter(from) ? asked : from).toString()));
        return p;
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }
}
