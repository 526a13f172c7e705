package dev.portcullis.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * A stand-in for audit-collector's REST contract, for in-process tests of {@code logs}: pages are
 * answered by a function of the query, streams by scripted SSE bodies, one per request. The real
 * collector is exercised by {@link CliLogsEndToEndTest}.
 */
final class FakeAuditServer implements AutoCloseable {
    final String token = "audit-token";
    final List<Map<String, List<String>>> pageRequests = Collections.synchronizedList(new ArrayList<>());
    final List<Map<String, List<String>>> streamRequests = Collections.synchronizedList(new ArrayList<>());
    /** What a page request gets: (status, body). */
    volatile Function<Map<String, List<String>>, String> pages = q -> "{\"items\":[]}";
    /** One scripted body per stream request; with none left, streams answer 503. */
    final ConcurrentLinkedQueue<String> streams = new ConcurrentLinkedQueue<>();
    /** Runs when a stream request arrives (tests move their clock here). */
    volatile Runnable onStream = () -> {};

    private final HttpServer server;

    FakeAuditServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1/accesslogs", this::handle);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!("Bearer " + token).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                send(
                        ex,
                        401,
                        "application/problem+json",
                        "{\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"the bearer token is not valid\"}");
                return;
            }
            Map<String, List<String>> q = query(ex.getRequestURI().getRawQuery());
            if (ex.getRequestURI().getPath().endsWith("/stream")) {
                streamRequests.add(q);
                onStream.run();
                String body = streams.poll();
                if (body == null) {
                    send(ex, 503, "text/plain", "no more streams");
                } else {
                    send(ex, 200, "text/event-stream", body);
                }
                return;
            }
            pageRequests.add(q);
            String body = pages.apply(q);
            if (body.startsWith("{\"title\"")) {
                send(ex, 400, "application/problem+json", body);
            } else {
                send(ex, 200, "application/json", body);
            }
        }
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> q = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            q.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return q;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
