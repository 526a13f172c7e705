package dev.portcullis.api.model;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The upstream authentication methods a Service's {@code requireAuth} may list, named as libpq's
 * {@code require_auth} names them. An empty list means the proxy's default: any method, except
 * that a cleartext password never crosses an unencrypted upstream link.
 */
public enum UpstreamAuthMethod {
    SCRAM_SHA_256("scram-sha-256"),
    MD5("md5"),
    PASSWORD("password"),
    /** The server asks nothing (trust). */
    NONE("none");

    private final String word;

    UpstreamAuthMethod(String word) {
        this.word = word;
    }

    /** The name in resources and messages: scram-sha-256, md5, password, none. */
    public String word() {
        return word;
    }

    /**
     * @return the methods listed; empty for an empty list
     * @throws IllegalArgumentException naming the first unknown word and the choices
     */
    public static Set<UpstreamAuthMethod> parse(List<String> words) {
        if (words.isEmpty()) {
            return Collections.emptySet();
        }
        EnumSet<UpstreamAuthMethod> methods = EnumSet.noneOf(UpstreamAuthMethod.class);
        for (String w : words) {
            methods.add(parse(w));
        }
        return methods;
    }

    private static UpstreamAuthMethod parse(String word) {
        String w = word.trim().toLowerCase(Locale.ROOT);
        for (UpstreamAuthMethod m : values()) {
            if (m.word.equals(w)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown method \"" + word
                + "\"; expected scram-sha-256, md5, password or none" + " (as libpq's require_auth)");
    }
}
