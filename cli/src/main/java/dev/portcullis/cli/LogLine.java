package dev.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * One access-log event as one readable line:
 * {@code 2026-11-27T12:00:01.123Z  QUERY          alice  pg-db  conn=ab12cd34  select * from t}.
 * Time (UTC, milliseconds), type, user, service, the start of the connection id, then what the
 * message did; refused ones start their detail with DENIED and the reason. {@code -o json} has
 * the whole event.
 */
public final class LogLine {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern(
                    "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    /** As wide as the longest type, FUNCTION_CALL and SESSION_START, so that columns line up. */
    private static final int TYPE_WIDTH = 13;

    private static final int CONNECTION_CHARS = 8;
    static final int MAX_DETAIL = 400;
    private static final int MAX_VALUE = 40;

    private LogLine() {}

    public static String format(JsonNode event) {
        JsonNode common = event.at("/entry/common");
        JsonNode pg = event.at("/entry/info/postgres");
        String type = text(pg, "type");
        if (type.isEmpty()) {
            type = "UNKNOWN";
        }
        StringBuilder line = new StringBuilder();
        line.append(time(text(event.at("/metadata"), "createdAt"))).append("  ");
        line.append(String.format("%-" + TYPE_WIDTH + "s", type)).append("  ");
        line.append(orDash(shortName(text(common.at("/userRef"), "name")))).append("  ");
        line.append(orDash(shortName(text(common.at("/serviceRef"), "name")))).append("  ");
        String conn = text(common, "connectionID");
        line.append("conn=")
                .append(orDash(conn.length() > CONNECTION_CHARS ? conn.substring(0, CONNECTION_CHARS) : conn));
        String detail = detail(type, pg);
        if (!common.path("isAuthorized").asBoolean(false)) {
            detail = denied(common.path("reason")) + (detail.isEmpty() ? "" : "  " + detail);
        }
        if (!detail.isEmpty()) {
            line.append("  ").append(cap(detail));
        }
        return line.toString();
    }

    static String detail(String type, JsonNode pg) {
        String detail = typedDetail(type, pg);
        if (!type.equals("QUERY") && pg.has("query")) {
            // how a proxy describes a message it could not decode, or streamed without holding it
            detail = join(detail, sql(pg.path("query")));
        }
        return detail;
    }

    private static String typedDetail(String type, JsonNode pg) {
        return switch (type) {
            case "QUERY" -> sql(pg.path("query"));
            case "PARSE" -> join(named("stmt", text(pg.path("parse"), "name")), sql(pg.path("parse")));
            case "BIND" ->
                join(
                        named("portal", text(pg.path("bind"), "portal")),
                        named("stmt", text(pg.path("bind"), "statement")),
                        values("params", pg.at("/bind/parameters")));
            case "EXECUTE" ->
                join(
                        named("portal", text(pg.path("execute"), "portal")),
                        pg.at("/execute/maxRows").asLong(0) > 0
                                ? "max_rows=" + pg.at("/execute/maxRows").asLong()
                                : "");
            case "CLOSE" -> join(text(pg.path("close"), "type"), text(pg.path("close"), "name"));
            case "FUNCTION_CALL" ->
                join("oid=" + pg.at("/functionCall/oid").asLong(0), values("args", pg.at("/functionCall/arguments")));
            case "SESSION_START" -> sessionStart(pg.path("sessionStart"));
            case "SESSION_END" -> sessionEnd(pg.path("sessionEnd"));
            default -> "";
        };
    }

    /** "alice -> app/demo": who asked, and as whom and where the proxy logged in. */
    static String sessionStart(JsonNode s) {
        String asked = text(s, "requestedUser");
        String user = text(s, "user");
        String db = text(s, "database");
        String effective = user.isEmpty() && db.isEmpty() ? "" : orDash(user) + "/" + orDash(db);
        String who = asked.isEmpty() ? effective : effective.isEmpty() ? asked : asked + " -> " + effective;
        String askedDb = text(s, "requestedDatabase");
        return join(
                who,
                !askedDb.isEmpty() && !askedDb.equals(db) ? "(asked for " + askedDb + ")" : "",
                named("app", text(s, "applicationName")),
                named("config", text(s, "configName")),
                named("client", text(s, "clientAddress")));
    }

    static String sessionEnd(JsonNode s) {
        return join(
                "duration=" + duration(s.path("durationMillis").asLong(0)),
                "in=" + bytes(s.path("bytesFromClient").asLong(0)),
                "out=" + bytes(s.path("bytesToClient").asLong(0)),
                "msgs=" + s.path("messagesFromClient").asLong(0) + "/"
                        + s.path("messagesToClient").asLong(0),
                text(s, "reason").isEmpty() ? "" : "(" + text(s, "reason") + ")");
    }

    static String denied(JsonNode reason) {
        String type = text(reason, "type");
        String message = text(reason, "message");
        String why = type.isEmpty() ? message : message.isEmpty() ? type : type + ": " + message;
        return why.isEmpty() ? "DENIED" : "DENIED (" + oneLine(why) + ")";
    }

    static String duration(long millis) {
        if (millis < 1000) {
            return millis + "ms";
        }
        Duration d = Duration.ofMillis(millis);
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
        }
        if (millis < 3_600_000) {
            return String.format(Locale.ROOT, "%dm%02ds", d.toMinutes(), d.toSecondsPart());
        }
        return String.format(Locale.ROOT, "%dh%02dm", d.toHours(), d.toMinutesPart());
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + "B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f%s", v, units[u]);
    }

    /** The SQL on one line; the proxy's own cut is shown, since the text is then incomplete. */
    private static String sql(JsonNode node) {
        String q = oneLine(text(node, "query"));
        return node.path("isTruncated").asBoolean(false) ? q + " [truncated by the proxy]" : q;
    }

    private static String values(String label, JsonNode list) {
        if (!list.isArray() || list.isEmpty()) {
            return "";
        }
        List<String> out = new ArrayList<>();
        for (JsonNode p : list) {
            if (p.has("text")) {
                String t = oneLine(p.get("text").asText());
                out.add("'" + (t.length() > MAX_VALUE ? t.substring(0, MAX_VALUE) + "..." : t) + "'");
            } else if (p.has("binary")) {
                out.add("<" + binaryLength(p.get("binary").asText()) + " bytes>");
            } else {
                out.add("NULL");
            }
        }
        return label + "=(" + String.join(", ", out) + ")";
    }

    private static String binaryLength(String base64) {
        try {
            return String.valueOf(Base64.getDecoder().decode(base64).length);
        } catch (IllegalArgumentException e) {
            return "?";
        }
    }

    private static String time(String rfc3339) {
        Instant t = Tables.instant(rfc3339);
        return t == null ? String.format("%-24s", orDash(rfc3339)) : TIME.format(t);
    }

    /** "pg-db.default" → "pg-db": one namespace today, and the short name is what people use. */
    static String shortName(String name) {
        int dot = name.indexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }

    private static String named(String label, String value) {
        return value.isEmpty() ? "" : label + "=" + value;
    }

    private static String join(String... parts) {
        List<String> kept = new ArrayList<>();
        for (String p : parts) {
            if (p != null && !p.isEmpty()) {
                kept.add(p);
            }
        }
        return String.join(" ", kept);
    }

    static String oneLine(String s) {
        return s.replaceAll("\\s+", " ").strip();
    }

    private static String cap(String s) {
        return s.length() <= MAX_DETAIL ? s : s.substring(0, MAX_DETAIL) + "...";
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isMissingNode() || v.isNull() ? "" : v.asText();
    }

    private static String orDash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }
}
