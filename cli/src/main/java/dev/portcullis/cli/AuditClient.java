package dev.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Consumer;

/**
 * The REST client of audit-collector: {@code /api/v1/accesslogs} (pages) and
 * {@code /api/v1/accesslogs/stream} (Server-Sent Events), with the admin token. Errors are
 * reported like {@link ApiClient}'s, naming audit-collector.
 */
public final class AuditClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final URI server;
    private final String token;
    private final HttpClient http;
    private final PrintWriter trace;
    /** A stream silent for this long (the server sends a heartbeat every 15s) is taken as dead. */
    private final Duration silenceLimit;

    public AuditClient(URI server, String token, PrintWriter trace, Duration silenceLimit) {
        this.server = server;
        this.token = token;
        this.trace = trace;
        this.silenceLimit = silenceLimit;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .build();
    }

    public URI server() {
        return server;
    }

    /** One page of {@code GET /api/v1/accesslogs}. */
    public JsonNode page(Map<String, List<String>> params) {
        HttpRequest request = request("/api/v1/accesslogs", params, "application/json")
                .timeout(REQUEST_TIMEOUT)
                .build();
        HttpResponse<String> resp = send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        JsonNode json = parse(resp.body());
        if (resp.statusCode() != 200) {
            throw new ApiException(resp.statusCode(), Problems.message(resp.statusCode(), resp.body(), json));
        }
        if (json == null) {
            throw new CliException("audit-collector at " + server + " answered with something that is not JSON");
        }
        return json;
    }

    /** Thrown when an open stream ends or breaks: the caller may reconnect. */
    public static final class StreamEnded extends RuntimeException {
        StreamEnded(String why) {
            super(why);
        }
    }

    /**
     * Reads {@code GET /api/v1/accesslogs/stream} until it ends, handing each event's data (one
     * JSON document) to {@code onEvent}. Errors before the stream opens are {@link CliException}s;
     * the end of an open stream is {@link StreamEnded}. {@code onOpen} runs once the server accepted it.
     */
    public void stream(Map<String, List<String>> params, Runnable onOpen, Consumer<String> onEvent) {
        HttpRequest request = request("/api/v1/accesslogs/stream", params, "text/event-stream")
                .build();
        HttpResponse<InputStream> resp = send(request, HttpResponse.BodyHandlers.ofInputStream());
        if (resp.statusCode() != 200) {
            String body;
            try (InputStream in = resp.body()) {
                body = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            } catch (IOException e) {
                body = "";
            }
            throw new ApiException(resp.statusCode(), Problems.message(resp.statusCode(), body, parse(body)));
        }
        onOpen.run();
        InputStream body = resp.body();
        Watchdog watchdog = new Watchdog(body, silenceLimit);
        String why;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            SseParser parser = new SseParser((name, data) -> {
                if (name == null || name.equals("accesslog")) {
                    onEvent.accept(data);
                }
            });
            for (String line; (line = in.readLine()) != null; ) {
                watchdog.alive();
                parser.line(line);
            }
            why = "the server closed the stream";
        } catch (IOException e) {
            why = ApiClient.describe(e);
        } finally {
            watchdog.close();
        }
        throw new StreamEnded(
                watchdog.fired() ? "no data or heartbeat for " + LogLine.duration(silenceLimit.toMillis()) : why);
    }

    private HttpRequest.Builder request(String path, Map<String, List<String>> params, String accept) {
        URI uri = URI.create(server + path + query(params));
        if (trace != null) {
            trace.println("> GET " + uri);
            trace.flush();
        }
        return HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer " + token)
                .header("Accept", accept)
                .GET();
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            HttpResponse<T> resp = http.send(request, handler);
            if (trace != null) {
                trace.println("< " + resp.statusCode() + " "
                        + resp.headers().firstValue("Content-Type").orElse(""));
                trace.flush();
            }
            return resp;
        } catch (IOException e) {
            throw new CliException(
                    "cannot reach audit-collector at " + server + ": " + ApiClient.describe(e)
                            + " (set it with --audit-server or PORTCULLIS_AUDIT_SERVER)",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while calling audit-collector", e);
        }
    }

    static String query(Map<String, List<String>> params) {
        StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
        params.forEach((k, values) -> values.forEach(v -> q.add(enc(k) + "=" + enc(v))));
        return q.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Json.JSON.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }
}
