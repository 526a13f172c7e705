package dev.portcullis.audit.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads every match from a running collector, following nextCursor. */
final class CollectorClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String base;
    private final String token;

    CollectorClient(String base, String token) {
        this.base = base;
        this.token = token;
    }

    /** Every id matching the service, in order; empty while the collector is down. */
    List<String> ids(String service) {
        List<String> ids = new ArrayList<>();
        String cursor = null;
        try {
            do {
                String q = "?limit=1000&service=" + enc(service) + (cursor == null ? "" : "&cursor=" + enc(cursor));
                HttpResponse<String> r = HTTP.send(
                        HttpRequest.newBuilder(URI.create(base + "/api/v1/accesslogs" + q))
                                .header("Authorization", "Bearer " + token)
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
                }
                JsonNode page = JSON.readTree(r.body());
                page.path("items")
                        .forEach(item -> ids.add(item.at("/metadata/id").asText()));
                cursor = page.path("nextCursor").isTextual()
                        ? page.get("nextCursor").asText()
                        : null;
            } while (cursor != null);
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return ids;
    }

    /** portcullis_audit_events_indexed_total from /q/metrics (0 while unreachable). */
    double indexedTotal() {
        try {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create(base + "/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.body()
                    .lines()
                    .filter(l -> l.startsWith("portcullis_audit_events_indexed_total"))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                    .sum();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
