package dev.portcullis.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Writes resources through api-server's REST API, as an admin would. */
final class ApiServerClient {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private ApiServerClient() {
    }

    static JsonNode post(String plural, String body) {
        return send("POST", "/api/v1/" + plural, body, 201);
    }

    static JsonNode put(String plural, String name, String body) {
        return send("PUT", "/api/v1/" + plural + "/" + name, body, 200);
    }

    static void delete(String plural, String name) {
        send("DELETE", "/api/v1/" + plural + "/" + name, null, 204);
    }

    /** Issues a Session and returns its access token. */
    static String session(String user, String ttl) {
        return post("sessions", "{\"spec\":{\"user\":\"" + user + "\",\"ttl\":\"" + ttl + "\"}}")
                .get("accessToken").asText();
    }

    private static JsonNode send(String method, String path, String body, int expected) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(RunningApiServer.apiServer.baseUrl() + path))
                .header("Authorization", "Bearer " + RunningApiServer.ADMIN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(expected, r.statusCode(), method + " " + path + ": " + r.body());
            return r.body().isEmpty() ? null : JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
