package dev.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-memory stand-in for api-server's REST contract, for fast in-process tests of the
 * commands: bearer token, 404/409 rules, problem+json errors, the session envelope. The real
 * server is exercised by {@link CliEndToEndTest}.
 */
final class FakeApiServer implements AutoCloseable {
    record Call(String method, String path, String authorization, String contentType, String body) {}

    final String token = "test-token-" + UUID.randomUUID();
    final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    final Map<String, Map<String, ObjectNode>> store = new ConcurrentHashMap<>();
    /** When set, every request is answered with this status and problem detail. */
    volatile Integer failStatus;

    volatile String failDetail;

    private final HttpServer server;

    FakeApiServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    Map<String, ObjectNode> kind(String plural) {
        return store.computeIfAbsent(plural, k -> Collections.synchronizedMap(new LinkedHashMap<>()));
    }

    private void handle(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = ex.getRequestURI().getRawPath();
        calls.add(new Call(
                ex.getRequestMethod(),
                path,
                ex.getRequestHeaders().getFirst("Authorization"),
                ex.getRequestHeaders().getFirst("Content-Type"),
                body));
        try {
            if (!("Bearer " + token).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                problem(ex, 401, "Unauthorized", "missing or invalid bearer token");
                return;
            }
            if (failStatus != null) {
                problem(ex, failStatus, "Error", failDetail);
                return;
            }
            String[] parts = path.split("/");
            // "", "api", "v1", plural, [name]
            if (parts.length < 4 || !"api".equals(parts[1]) || !"v1".equals(parts[2])) {
                problem(ex, 404, "Not Found", "no such path " + path);
                return;
            }
            String plural = parts[3];
            String name = parts.length > 4 ? parts[4] : null;
            Map<String, ObjectNode> items = kind(plural);
            switch (ex.getRequestMethod()) {
                case "GET" -> {
                    if (name == null) {
                        ObjectNode list = Json.JSON.createObjectNode();
                        list.put("apiVersion", "core/v1");
                        list.put("kind", "List");
                        synchronized (items) {
                            list.putArray("items").addAll(new ArrayList<>(items.values()));
                        }
                        json(ex, 200, list);
                    } else if (items.containsKey(name)) {
                        json(ex, 200, items.get(name));
                    } else {
                        problem(ex, 404, "Not Found", plural + " " + name + " not found");
                    }
                }
                case "POST" -> {
                    ObjectNode doc = (ObjectNode) Json.JSON.readTree(body);
                    if ("sessions".equals(plural)) {
                        ObjectNode meta = doc.withObjectProperty("metadata");
                        if (!meta.has("name")) {
                            meta.put("name", doc.at("/spec/user").asText() + "-x2k9");
                        }
                        doc.putObject("status").put("expiresAt", "2030-01-01T08:00:00Z");
                        ObjectNode stored = stamp(doc);
                        items.put(meta.get("name").asText(), stored);
                        ObjectNode envelope = Json.JSON.createObjectNode();
                        envelope.set("session", stored);
                        envelope.put("accessToken", "tok_" + UUID.randomUUID());
                        json(ex, 201, envelope);
                        return;
                    }
                    String n = doc.at("/metadata/name").asText();
                    if (items.containsKey(n)) {
                        problem(ex, 409, "Conflict", plural + " " + n + " already exists");
                    } else {
                        items.put(n, stamp(doc));
                        json(ex, 201, withoutSecret(items.get(n)));
                    }
                }
                case "PUT" -> {
                    ObjectNode doc = (ObjectNode) Json.JSON.readTree(body);
                    ObjectNode current = items.get(name);
                    if (current == null) {
                        problem(ex, 404, "Not Found", plural + " " + name + " not found");
                        return;
                    }
                    String rv = doc.at("/metadata/resourceVersion").asText("");
                    if (!rv.isEmpty()
                            && !rv.equals(
                                    current.at("/metadata/resourceVersion").asText())) {
                        problem(ex, 409, "Conflict", "metadata.resourceVersion: stale " + rv);
                        return;
                    }
                    items.put(name, stamp(doc));
                    json(ex, 200, withoutSecret(items.get(name)));
                }
                case "DELETE" -> {
                    if (items.remove(name) == null) {
                        problem(ex, 404, "Not Found", plural + " " + name + " not found");
                    } else {
                        ex.sendResponseHeaders(204, -1);
                    }
                }
                default -> problem(ex, 405, "Method Not Allowed", ex.getRequestMethod());
            }
        } finally {
            ex.close();
        }
    }

    private static ObjectNode stamp(ObjectNode doc) {
        ObjectNode meta = doc.withObjectProperty("metadata");
        meta.put("uid", UUID.randomUUID().toString());
        meta.put("resourceVersion", UUID.randomUUID().toString());
        meta.put("createdAt", "2020-01-01T00:00:00Z");
        doc.put("apiVersion", "core/v1");
        return doc;
    }

    /** Secrets are stored with their value (so tests can check it) but never returned. */
    private static JsonNode withoutSecret(ObjectNode doc) {
        if (!"Secret".equals(doc.path("kind").asText())) {
            return doc;
        }
        ObjectNode copy = doc.deepCopy();
        copy.remove("data");
        return copy;
    }

    private static void json(HttpExchange ex, int status, JsonNode node) throws IOException {
        if (node.isObject() && "Secret".equals(node.path("kind").asText())) {
            node = withoutSecret((ObjectNode) node);
        }
        if (node.isObject() && node.has("items")) {
            ObjectNode copy = ((ObjectNode) node).deepCopy();
            var items = copy.putArray("items");
            node.get("items").forEach(i -> items.add(i.isObject() ? withoutSecret((ObjectNode) i) : i));
            node = copy;
        }
        send(ex, status, "application/json", Json.compact(node));
    }

    private static void problem(HttpExchange ex, int status, String title, String detail) throws IOException {
        ObjectNode p = Json.JSON.createObjectNode();
        p.put("type", "about:blank");
        p.put("title", title);
        p.put("status", status);
        p.put("detail", detail);
        send(ex, status, "application/problem+json", Json.compact(p));
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
