package dev.portcullis.audit.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.List;

/**
 * Typed reads from an AccessLog's JSON tree. A field that is absent or null reads as its proto3
 * default; a field of the wrong JSON type makes the record "not an AccessLog", as protobuf's own
 * JSON parser would say, without building the message (that parse was a quarter of indexing).
 */
final class EventTree {
    private EventTree() {}

    /** The object under {@code name}, or a missing node; anything else is not an AccessLog. */
    static JsonNode object(JsonNode parent, String name) {
        JsonNode n = present(parent, name);
        if (n == null) {
            return MissingNode.getInstance();
        }
        if (!n.isObject()) {
            throw wrongType(name, "an object", n);
        }
        return n;
    }

    static boolean has(JsonNode parent, String name) {
        return present(parent, name) != null;
    }

    static String text(JsonNode parent, String name) {
        JsonNode n = present(parent, name);
        if (n != null && !n.isTextual()) {
            throw wrongType(name, "a string", n);
        }
        return n == null ? "" : n.textValue();
    }

    static boolean bool(JsonNode parent, String name) {
        JsonNode n = present(parent, name);
        if (n != null && !n.isBoolean()) {
            throw wrongType(name, "true or false", n);
        }
        return n != null && n.booleanValue();
    }

    /** A uint32 as protobuf prints it (a number), or as a string, which its parser accepts too. */
    static String number(JsonNode parent, String name) {
        JsonNode n = present(parent, name);
        if (n != null && !n.isIntegralNumber() && !n.isTextual()) {
            throw wrongType(name, "a number", n);
        }
        return n == null ? "0" : n.asText();
    }

    static Iterable<JsonNode> array(JsonNode parent, String name) {
        JsonNode n = present(parent, name);
        if (n != null && !n.isArray()) {
            throw wrongType(name, "an array", n);
        }
        return n == null ? List.of() : n;
    }

    /** The field's node; null when it is absent or JSON null (proto3: the default value). */
    private static JsonNode present(JsonNode parent, String name) {
        JsonNode n = parent.get(name);
        return n == null || n.isNull() ? null : n;
    }

    private static InvalidEventException wrongType(String name, String expected, JsonNode got) {
        return new InvalidEventException(
                "not an AccessLog: " + name + " is " + got.getNodeType().name().toLowerCase() + ", not " + expected,
                null);
    }
}
