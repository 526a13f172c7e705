package dev.portcullis.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The resource documents the create/update commands send. */
final class Bodies {
    static final String API_VERSION = "core/v1";

    private Bodies() {}

    static ObjectNode resource(Kind kind, String name) {
        ObjectNode body = Json.JSON.createObjectNode();
        body.put("apiVersion", API_VERSION);
        body.put("kind", kind.kindName());
        if (name != null) {
            body.putObject("metadata").put("name", name);
        }
        return body;
    }

    static ObjectNode secret(String name, String value) {
        ObjectNode body = resource(Kind.SECRET, name);
        body.putObject("data").put("value", value);
        return body;
    }
}
