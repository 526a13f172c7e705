package dev.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLException;

/**
 * The REST client of api-server: {@code /api/v1/{plural}[/{name}]} with the admin token. Every
 * non-2xx answer becomes an {@link ApiException} carrying the problem's detail, and every
 * transport failure a {@link CliException} that says which server could not be reached.
 */
public final class ApiClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final URI server;
    private final String token;
    private final HttpClient http;
    private final PrintWriter trace;

    /** @param trace where {@code --verbose} logs requests and statuses, or null */
    public ApiClient(URI server, String token, PrintWriter trace) {
        this.server = server;
        this.token = token;
        this.trace = trace;
        this.http = HttpClient.newBuilder()
                // plain HTTP/1.1: the JDK's h2c upgrade attempt buys nothing for one-shot calls
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .build();
    }

    public JsonNode list(Kind kind) {
        return send("GET", path(kind, null), null);
    }

    public JsonNode get(Kind kind, String name) {
        return send("GET", path(kind, name), null);
    }

    /** POST: 201 with the stored resource (for a Session, the envelope with the token). */
    public JsonNode create(Kind kind, JsonNode body) {
        return send("POST", path(kind, null), body);
    }

    /** PUT: 200 with the stored resource; 404 when absent, 409 when the resourceVersion is stale. */
    public JsonNode replace(Kind kind, String name, JsonNode body) {
        return send("PUT", path(kind, name), body);
    }

    public void delete(Kind kind, String name) {
        send("DELETE", path(kind, name), null);
    }

    static String path(Kind kind, String name) {
        return "/api/v1/" + kind.plural() + (name == null ? "" : "/" + encodeSegment(name));
    }

    /** Percent-encodes everything but unreserved characters, so a name can never add a path segment. */
    static String encodeSegment(String s) {
        StringBuilder b = new StringBuilder();
        for (byte c : s.getBytes(StandardCharsets.UTF_8)) {
            if ((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(String.format("%02X", c & 0xff));
            }
        }
        return b.toString();
    }

    private JsonNode send(String method, String path, JsonNode body) {
        URI uri = URI.create(server + path);
        HttpRequest.Builder req = HttpRequest.newBuilder(uri)
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json");
        if (body != null) {
            req.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(Json.compact(body), StandardCharsets.UTF_8));
        } else {
            req.method(method, HttpRequest.BodyPublishers.noBody());
        }
        if (trace != null) {
            trace.println("> " + method + " " + uri);
            trace.flush();
        }
        HttpResponse<String> resp;
        try {
            resp = http.send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CliException("cannot reach api-server at " + server + ": " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while calling api-server", e);
        }
        if (trace != null) {
            trace.println("< " + resp.statusCode() + " "
                    + resp.headers().firstValue("Content-Type").orElse(""));
            trace.flush();
        }
        int status = resp.statusCode();
        String text = resp.body();
        JsonNode json = parse(text);
        if (status >= 200 && status < 300) {
            if (json == null && text != null && !text.isBlank()) {
                throw new CliException("api-server at " + server + " answered " + method + " " + path
                        + " with something that is not JSON");
            }
            return json;
        }
        throw new ApiException(status, Problems.message(status, text, json));
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

    /** Why a connection failed, in words: the JDK's exceptions often carry no message at all. */
    static String describe(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return "unknown host";
            }
            if (t instanceof HttpConnectTimeoutException) {
                return "connection timed out after " + CONNECT_TIMEOUT.toSeconds() + "s";
            }
            if (t instanceof HttpTimeoutException) {
                return "no answer within " + REQUEST_TIMEOUT.toSeconds() + "s";
            }
            if (t instanceof SSLException) {
                return "TLS failed: " + t.getMessage();
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "connection refused (is it running?)";
            }
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
