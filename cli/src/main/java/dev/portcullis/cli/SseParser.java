package dev.portcullis.cli;

import java.util.function.BiConsumer;

/**
 * Server-Sent Events, line by line (the text/event-stream format): {@code event:} and
 * {@code data:} fields up to a blank line make one event; comment lines ({@code :...}) are
 * heartbeats and are skipped.
 */
final class SseParser {
    private final BiConsumer<String, String> onEvent;
    private String name;
    private StringBuilder data;

    /** @param onEvent receives (event name or null, data) */
    SseParser(BiConsumer<String, String> onEvent) {
        this.onEvent = onEvent;
    }

    void line(String line) {
        if (line.isEmpty()) {
            if (data != null) {
                onEvent.accept(name, data.toString());
            }
            name = null;
            data = null;
            return;
        }
        if (line.startsWith(":")) {
            return;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> name = value;
            case "data" ->
                data = data == null
                        ? new StringBuilder(value)
                        : data.append('\n').append(value);
            default -> {
                // id, retry: nothing the CLI needs
            }
        }
    }
}
