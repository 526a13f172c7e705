package dev.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** The default output of {@code get}: one row per resource, a few columns per kind. */
public final class Tables {
    private static final String GAP = "   ";
    private static final String NONE = "<none>";

    private Tables() {}

    public static String render(Kind kind, List<JsonNode> resources, Instant now) {
        List<String> header = new ArrayList<>(List.of("NAME"));
        header.addAll(
                switch (kind) {
                    case SERVICE -> List.of("PORT", "MODE", "UPSTREAM");
                    case USER -> List.of("GROUPS");
                    case POLICY -> List.of("RULES");
                    case SESSION -> List.of("USER", "EXPIRES");
                    default -> List.of();
                });
        header.add("AGE");
        List<List<String>> rows = new ArrayList<>();
        rows.add(header);
        for (JsonNode r : resources) {
            List<String> row = new ArrayList<>();
            row.add(orNone(Json.text(r, "/metadata/name")));
            row.addAll(
                    switch (kind) {
                        case SERVICE ->
                            List.of(
                                    orNone(Json.text(r, "/spec/port")),
                                    orNone(Json.text(r, "/spec/mode")),
                                    upstream(r));
                        case USER -> List.of(joined(r.at("/spec/groups")));
                        case POLICY ->
                            List.of(String.valueOf(r.at("/spec/rules").size()));
                        case SESSION ->
                            List.of(
                                    orNone(Json.text(r, "/spec/user")),
                                    expires(Json.text(r, "/status/expiresAt"), now));
                        default -> List.of();
                    });
            row.add(age(Json.text(r, "/metadata/createdAt"), now));
            rows.add(row);
        }
        return format(rows);
    }

    /** Left-aligned columns separated by three spaces, no trailing blanks. */
    static String format(List<List<String>> rows) {
        int cols = rows.get(0).size();
        int[] width = new int[cols];
        for (List<String> row : rows) {
            for (int c = 0; c < cols; c++) {
                width[c] = Math.max(width[c], row.get(c).length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < cols; c++) {
                String cell = row.get(c);
                line.append(cell);
                if (c < cols - 1) {
                    line.append(" ".repeat(width[c] - cell.length())).append(GAP);
                }
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
        return b.toString();
    }

    /** The default config's upstream; with dynamic config, how many named configs there are too. */
    static String upstream(JsonNode service) {
        String url = Json.text(service, "/spec/config/upstream/url");
        int dynamic = service.at("/spec/dynamicConfig/configs").size();
        if (dynamic == 0) {
            return orNone(url);
        }
        String configs = dynamic + " dynamic config" + (dynamic == 1 ? "" : "s");
        return url == null ? "(" + configs + ")" : url + " (+" + configs + ")";
    }

    static String joined(JsonNode array) {
        if (!array.isArray() || array.isEmpty()) {
            return NONE;
        }
        List<String> parts = new ArrayList<>();
        array.forEach(n -> parts.add(n.asText()));
        return String.join(",", parts);
    }

    /** kubectl's style: 45s, 12m, 5h, 3d; "<unknown>" when the server sent nothing usable. */
    static String age(String timestamp, Instant now) {
        Instant t = instant(timestamp);
        if (t == null) {
            return "<unknown>";
        }
        return shortDuration(Duration.between(t, now));
    }

    /** When the session expires, as an absolute UTC time to the second, or "expired". */
    static String expires(String timestamp, Instant now) {
        Instant t = instant(timestamp);
        if (t == null) {
            return timestamp == null ? NONE : timestamp;
        }
        return t.isAfter(now) ? t.truncatedTo(ChronoUnit.SECONDS).toString() : "expired";
    }

    static String shortDuration(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 120) {
            return s + "s";
        }
        if (s < 120 * 60) {
            return s / 60 + "m";
        }
        if (s < 48 * 3600) {
            return s / 3600 + "h";
        }
        return s / 86400 + "d";
    }

    static Instant instant(String timestamp) {
        if (timestamp == null || timestamp.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(timestamp).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String orNone(String s) {
        return s == null || s.isEmpty() ? NONE : s;
    }
}
