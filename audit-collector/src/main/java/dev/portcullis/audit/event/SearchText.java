package dev.portcullis.audit.event;

import static dev.portcullis.audit.event.EventTree.array;
import static dev.portcullis.audit.event.EventTree.object;
import static dev.portcullis.audit.event.EventTree.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * What a text search matches for one event: the SQL for QUERY and PARSE, and for the other
 * messages the names and values a person would look for (statement and portal names, bind
 * values, who logged in as whom, why a session ended or was refused).
 */
public final class SearchText {
    /** Longer texts are cut: the full event is still stored and returned. */
    public static final int MAX_CHARS = 100_000;

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private SearchText() {}

    /**
     * @param pg     entry.info.postgres
     * @param reason entry.common.reason: searchable when the event was not authorized
     */
    static String of(JsonNode pg, String type, boolean authorized, JsonNode reason) {
        StringJoiner text = new StringJoiner(" ");
        switch (type) {
            case "QUERY" -> text.add(text(object(pg, "query"), "query"));
            case "PARSE" -> {
                JsonNode parse = object(pg, "parse");
                text.add(text(parse, "query")).add(text(parse, "name"));
            }
            case "BIND" -> {
                JsonNode bind = object(pg, "bind");
                text.add(text(bind, "statement")).add(text(bind, "portal"));
                parameters(text, array(bind, "parameters"));
            }
            case "EXECUTE" -> text.add(text(object(pg, "execute"), "portal"));
            case "CLOSE" -> {
                JsonNode close = object(pg, "close");
                text.add(text(close, "type")).add(text(close, "name"));
            }
            case "FUNCTION_CALL" -> {
                JsonNode call = object(pg, "functionCall");
                text.add(EventTree.number(call, "oid"));
                parameters(text, array(call, "arguments"));
            }
            case "SESSION_START" -> {
                JsonNode s = object(pg, "sessionStart");
                for (String f : new String[] {
                    "requestedUser",
                    "requestedDatabase",
                    "user",
                    "database",
                    "applicationName",
                    "clientAddress",
                    "configName"
                }) {
                    text.add(text(s, f));
                }
            }
            case "SESSION_END" -> text.add(text(object(pg, "sessionEnd"), "reason"));
            default -> {}
        }
        if (EventTree.has(pg, "query") && !type.equals("QUERY")) {
            // a proxy describes a message it could not decode, or streamed, as text in `query`
            text.add(text(object(pg, "query"), "query"));
        }
        if (!authorized) {
            text.add(text(reason, "type")).add(text(reason, "message"));
        }
        String s = WHITESPACE.matcher(text.toString()).replaceAll(" ").strip();
        return s.length() <= MAX_CHARS ? s : s.substring(0, MAX_CHARS);
    }

    private static void parameters(StringJoiner text, Iterable<JsonNode> parameters) {
        for (JsonNode p : parameters) {
            if (!p.isObject()) {
                throw new InvalidEventException("not an AccessLog: a parameter is not an object", null);
            }
            if (EventTree.has(p, "text")) {
                text.add(text(p, "text"));
            }
        }
    }
}
