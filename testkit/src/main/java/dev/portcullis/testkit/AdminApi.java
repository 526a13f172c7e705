package dev.portcullis.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * api-server's REST API as an admin, for tests that set up resources the way a user would.
 * Every call asserts its status: a setup step that fails says why, with the server's answer.
 */
public final class AdminApi {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String baseUrl;
    private final String token;

    public AdminApi(String baseUrl, String adminToken) {
        this.baseUrl = baseUrl;
        this.token = adminToken;
    }

    /** Creates a resource (JSON or YAML body); returns the server's answer. */
    public JsonNode post(String plural, String body) {
        return send("POST", "/api/v1/" + plural, body, 201);
    }

    public JsonNode put(String plural, String name, String body) {
        return send("PUT", "/api/v1/" + plural + "/" + name, body, 200);
    }

    public void delete(String plural, String name) {
        send("DELETE", "/api/v1/" + plural + "/" + name, null, 204);
    }

    /** Issues a Session and returns its access token. */
    public String session(String user, String ttl) {
        return post("sessions", "{\"spec\":{\"user\":\"" + user + "\",\"ttl\":\"" + ttl + "\"}}")
                .get("accessToken")
                .asText();
    }

    /** A Secret's JSON, its value escaped. */
    public static String secret(String name, String value) {
        try {
            return JSON.writeValueAsString(java.util.Map.of(
                    "metadata", java.util.Map.of("name", name), "data", java.util.Map.of("value", value)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode send(String method, String path, String body, int expected) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Authorization", "Bearer " + token)
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != expected) {
                throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
            }
            return r.body().isEmpty() ? null : JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
