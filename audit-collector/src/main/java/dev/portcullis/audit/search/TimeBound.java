package dev.portcullis.audit.search;

import dev.portcullis.api.model.Ttl;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** `since` and `until` as people write them: an RFC 3339 time, or a duration ago ("10m", "2h", "1h30m"). */
public final class TimeBound {
    private TimeBound() {}

    /** @throws IllegalArgumentException naming the parameter and showing both accepted forms */
    public static Instant parse(String name, String text, Instant now) {
        String t = text.trim();
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException notATime) {
            // then it should be a duration
        }
        try {
            return now.minus(Ttl.parse(t));
        } catch (IllegalArgumentException notADuration) {
            throw new IllegalArgumentException(name + ": \"" + text + "\" is neither an RFC 3339 time"
                    + " (2026-11-27T12:00:00Z) nor a duration ago (10m, 2h, 1h30m, 7d)");
        }
    }
}
