package dev.portcullis.api.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Access tokens (a Session's credential): 256 random bits, shown to the user once. Only the SHA-256 is stored; a
 * token of that entropy needs no slow hash, and a fast one keeps policy lookups cheap. api-server mints and hashes;
 * policy-service hashes what a client presents and looks it up.
 */
public final class AccessTokens {
    /** Tells a Portcullis token apart in logs scrubbing and secret scanners. */
    public static final String PREFIX = "pct_";

    private static final SecureRandom RANDOM = new SecureRandom();

    private AccessTokens() {}

    public static String newToken() {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    public static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A short random suffix for generated Session names ("alice-3pt93j"). */
    public static String suffix() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder sb = new StringBuilder(6);
        for (int i = 0; i < 6; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
