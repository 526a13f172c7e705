package dev.portcullis.audit.event;

import java.util.List;

/** The values of entry.info.postgres.type. */
public final class EventTypes {
    public static final List<String> ALL =
            List.of("SESSION_START", "SESSION_END", "QUERY", "PARSE", "BIND", "EXECUTE", "CLOSE", "FUNCTION_CALL");

    private EventTypes() {}
}
