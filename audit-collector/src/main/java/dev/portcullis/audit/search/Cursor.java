package dev.portcullis.audit.search;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Where the next page starts: the sort key (createdAt, ingestion sequence) of the last item
 * returned, and the direction it was read in. Opaque to clients (base64url); a keyset rather
 * than an offset, so that events indexed meanwhile neither repeat nor shift items across pages.
 */
public record Cursor(Instant createdAt, long seq, boolean descending) {
    private static final String VERSION = "c1";

    public String encode() {
        String raw = VERSION + ":" + (descending ? "d" : "a") + ":" + createdAt.getEpochSecond() + ":"
                + createdAt.getNano() + ":" + seq;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** @throws IllegalArgumentException when the text is not a cursor this server made */
    public static Cursor decode(String text) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(text.trim()), StandardCharsets.UTF_8);
            String[] p = raw.split(":");
            if (p.length != 5 || !p[0].equals(VERSION) || !(p[1].equals("a") || p[1].equals("d"))) {
                throw new IllegalArgumentException("bad cursor");
            }
            return new Cursor(
                    Instant.ofEpochSecond(Long.parseLong(p[2]), Long.parseLong(p[3])),
                    Long.parseLong(p[4]),
                    p[1].equals("d"));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "cursor: not a cursor returned by this server; start again without it", e);
        }
    }
}
