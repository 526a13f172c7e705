package dev.portcullis.api.model;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them: "8h", "30m", "1h30m", "90s", "2d". */
public final class Ttl {
    private static final Pattern PART = Pattern.compile("(\\d+)(d|h|m|s)");

    private Ttl() {}

    /** The inverse of {@link #parse}: "1h30m", "2s", "0s". */
    public static String format(Duration d) {
        long s = d.getSeconds();
        if (s == 0) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        long[] units = {86_400, 3_600, 60, 1};
        String[] names = {"d", "h", "m", "s"};
        for (int i = 0; i < units.length; i++) {
            if (s >= units[i]) {
                out.append(s / units[i]).append(names[i]);
                s %= units[i];
            }
        }
        return out.toString();
    }

    /** @throws IllegalArgumentException with an example of what is expected */
    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("missing duration; write it like 8h, 30m or 1h30m");
        }
        String t = text.trim();
        Matcher m = PART.matcher(t);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                break;
            }
            long n = Long.parseLong(m.group(1));
            total = total.plus(
                    switch (m.group(2)) {
                        case "d" -> Duration.ofDays(n);
                        case "h" -> Duration.ofHours(n);
                        case "m" -> Duration.ofMinutes(n);
                        default -> Duration.ofSeconds(n);
                    });
            end = m.end();
        }
        if (end != t.length() || end == 0) {
            throw new IllegalArgumentException("invalid duration \"" + text + "\"; write it like 8h, 30m or 1h30m");
        }
        return total;
    }
}
