package dev.portcullis.proxy.session;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which client startup parameters reach the upstream. The upstream user and database always
 * come from the Service. A startup parameter can set any GUC (`role` included), so only
 * harmless session settings pass; `options` only where the Service allows it, and even then
 * only {@code -c name=value} settings that do not change who the session is.
 */
public final class StartupParameters {
    /**
     * Session settings that change neither identity nor what a statement means. Not
     * {@code standard_conforming_strings}: off, backslashes escape quotes in plain literals, so
     * the upstream would read a statement differently from the proxy's parser and redaction.
     */
    static final Set<String> FORWARDED = Set.of("application_name", "client_encoding", "datestyle", "timezone",
            "intervalstyle", "extra_float_digits", "lc_monetary", "lc_numeric", "lc_time", "bytea_output");

    /** Settings that change who the session is: never taken from a client, even where options are allowed. */
    static final Set<String> IDENTITY = Set.of("role", "session_authorization");

    /** A client startup parameter the proxy will not pass on; the message says which and why. */
    public static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private StartupParameters() {
    }

    /** True when the client asked for a replication connection, which the proxy refuses. */
    public static boolean wantsReplication(Map<String, String> client) {
        String r = client.get("replication");
        if (r == null) {
            return false;
        }
        String v = r.toLowerCase(Locale.ROOT);
        return !(v.equals("false") || v.equals("off") || v.equals("0") || v.equals("no"));
    }

    /**
     * The upstream StartupMessage parameters: forced user and database, then what may pass.
     *
     * @throws Refused when the Service allows {@code options} and the client's would set its identity
     *         or uses a switch other than {@code -c name=value}
     */
    public static Map<String, String> upstream(Map<String, String> client, String user, String database,
            boolean allowOptions) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("user", user);
        out.put("database", database);
        client.forEach((name, value) -> {
            String key = name.toLowerCase(Locale.ROOT);
            if (FORWARDED.contains(key)) {
                out.put(name, value);
            } else if (allowOptions && name.equals("options")) {
                checkOptions(value);
                out.put(name, value);
            }
        });
        return out;
    }

    /**
     * Reads {@code options} as PostgreSQL does (words split on white space, a backslash escapes
     * the next character; {@code -c name=value}, {@code -cname=value} or {@code --name=value},
     * dashes in a name meaning underscores) and refuses any other switch and any identity setting.
     */
    static void checkOptions(String options) {
        List<String> words = words(options);
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            String setting;
            if (w.equals("-c")) {
                if (i + 1 >= words.size()) {
                    throw new Refused("the options startup parameter ends with -c and no name=value");
                }
                setting = words.get(++i);
            } else if (w.startsWith("--")) {
                setting = w.substring(2);
            } else if (w.startsWith("-c")) {
                setting = w.substring(2);
            } else {
                throw new Refused("the options startup parameter may only hold -c name=value settings through Portcullis,"
                        + " not \"" + printable(w) + "\"");
            }
            int eq = setting.indexOf('=');
            if (eq <= 0) {
                throw new Refused("the options startup parameter has \"" + printable(setting) + "\", not name=value");
            }
            String name = setting.substring(0, eq).replace('-', '_').toLowerCase(Locale.ROOT);
            if (IDENTITY.contains(name)) {
                throw new Refused("the options startup parameter may not set " + name + " through Portcullis: the"
                        + " Service decides the upstream role");
            }
        }
    }

    private static List<String> words(String s) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean escaped = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (escaped) {
                w.append(c);
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B) { // C isspace
                if (w.length() > 0) {
                    words.add(w.toString());
                    w.setLength(0);
                }
            } else {
                w.append(c);
            }
        }
        if (w.length() > 0) {
            words.add(w.toString());
        }
        return words;
    }

    private static String printable(String s) {
        return dev.portcullis.proxy.auth.client.AuthFailureLimiter.printable(s);
    }
}
