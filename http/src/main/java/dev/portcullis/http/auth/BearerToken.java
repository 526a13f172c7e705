package dev.portcullis.http.auth;

import java.util.Locale;

/** Extracts the token from an `Authorization: Bearer <token>` header value. */
public final class BearerToken {
    private BearerToken() {}

    public static String from(String header) {
        if (header == null) {
            return null;
        }
        String h = header.trim();
        if (h.length() > 7 && h.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return h.substring(7).trim();
        }
        return null;
    }
}
