package dev.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns api-server's error answers (RFC 9457 {@code application/problem+json}) and other
 * failures into the single line the CLI prints after {@code error: }.
 */
public final class Problems {
    /** A CEL caret line such as {@code  | .....^}: meaningless once folded into one line. */
    private static final Pattern CARET_LINE = Pattern.compile("^[\\s|.^]*\\^[\\s|.^]*$");

    private static final int MAX_BODY = 300;

    private Problems() {}

    /** The message of an error response: the problem's detail, else its title, else the body. */
    public static String message(int status, String body, JsonNode problem) {
        String text = null;
        if (problem != null && problem.isObject()) {
            text = textOf(problem, "detail");
            if (text == null) {
                text = textOf(problem, "title");
            }
            String extra = violations(problem);
            if (extra != null) {
                text = text == null ? extra : text + ": " + extra;
            }
        }
        if (text == null && body != null && !body.isBlank()) {
            text = "HTTP " + status + ": " + truncate(body.strip());
        }
        if (text == null) {
            text = "HTTP " + status + " " + reason(status);
        }
        text = oneLine(text);
        if (status == 401) {
            // the server cannot tell which token the user meant to send; the CLI can say where it looks
            text += " (check PORTCULLIS_TOKEN, --token or the token in the config file)";
        }
        return text;
    }

    /** Some validators answer a list of violations instead of (or as well as) one detail. */
    private static String violations(JsonNode problem) {
        for (String field : new String[] {"violations", "errors"}) {
            JsonNode list = problem.get(field);
            if (list == null || !list.isArray() || list.isEmpty()) {
                continue;
            }
            List<String> parts = new ArrayList<>();
            for (JsonNode v : list) {
                if (v.isTextual()) {
                    parts.add(v.asText());
                } else {
                    String where = firstText(v, "field", "path", "propertyPath", "pointer");
                    String what = firstText(v, "message", "detail", "title");
                    parts.add(where == null ? String.valueOf(what) : where + ": " + what);
                }
            }
            return String.join("; ", parts);
        }
        return null;
    }

    /** Folds a multi-line message (a CEL compiler error, say) into one readable line. */
    public static String oneLine(String text) {
        List<String> kept = new ArrayList<>();
        for (String line : text.split("\\R")) {
            String t = line.strip();
            if (!t.isEmpty() && !CARET_LINE.matcher(t).matches()) {
                kept.add(t);
            }
        }
        return String.join(" ", kept);
    }

    private static String textOf(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || v.asText().isBlank() ? null : v.asText();
    }

    private static String firstText(JsonNode node, String... fields) {
        for (String f : fields) {
            String t = textOf(node, f);
            if (t != null) {
                return t;
            }
        }
        return null;
    }

    private static String truncate(String body) {
        return body.length() <= MAX_BODY ? body : body.substring(0, MAX_BODY) + "...";
    }

    static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Entity";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            default -> "";
        };
    }
}
