package dev.portcullis.proxy.session;

import dev.portcullis.pgwire.SqlState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The settings a client asks for at connect, and which of them reach the upstream. Every startup
 * parameter, and every {@code -c name=value} (or {@code --name=value}) of {@code options}, is one
 * setting, read as PostgreSQL reads it; each is forwarded or refused with a FATAL naming it, never
 * dropped:
 *
 * <ul>
 *   <li>what any user may set (PostgreSQL's {@code user} context: statement_timeout, search_path,
 *       work_mem, …) is forwarded, as its own startup parameter;
 *   <li>what changes who the session is or the protocol ({@code role}, {@code session_authorization},
 *       {@code replication}) is refused always;
 *   <li>what only a superuser or the server's configuration may set ({@code log_*},
 *       {@code session_preload_libraries}, …), and names PostgreSQL does not know (an extension's
 *       {@code pgaudit.log}), are refused unless the Service allows them by name: with a forced
 *       superuser role upstream they would slip past per-message policy;
 *   <li>settings that would make the upstream read statements differently from the proxy
 *       ({@code standard_conforming_strings} off, client-only multibyte encodings) are refused.
 * </ul>
 *
 * The upstream user and database always come from the Service; {@code _pq_.*} protocol options are
 * answered with NegotiateProtocolVersion and not forwarded.
 */
public final class StartupParameters {
    /** Never from a client, whatever the Service allows. */
    static final Set<String> IDENTITY = Set.of("role", "session_authorization", "replication", "is_superuser");

    /**
     * Encodings in which a byte of a multibyte character can be a quote or a backslash: the
     * proxy, reading UTF-8, would see a different statement from the server's.
     */
    static final Set<String> CLIENT_ONLY_ENCODINGS = Set.of(
            "sjis",
            "shiftjis2004",
            "big5",
            "gbk",
            "uhc",
            "gb18030",
            "johab",
            "mskanji",
            "shiftjis",
            "win932",
            "windows932",
            "win936",
            "windows936",
            "win949",
            "windows949",
            "win950",
            "windows950");

    /** A setting the proxy will not pass on: the message names it and says why. */
    public static final class Refused extends RuntimeException {
        private final SqlState state;
        private final String hint;

        Refused(SqlState state, String message, String hint) {
            super(message, null, false, false);
            this.state = state;
            this.hint = hint;
        }

        public SqlState sqlState() {
            return state;
        }

        public String hint() {
            return hint;
        }
    }

    private StartupParameters() {}

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
     * Every setting the client asked for, by lower-case name, in the order PostgreSQL applies
     * them: {@code options} first, then the other startup parameters (which win).
     *
     * @throws Refused for an {@code options} that is not {@code -c name=value} settings
     */
    public static Map<String, String> requested(Map<String, String> startup) {
        Map<String, String> settings = new LinkedHashMap<>();
        String options = startup.get("options");
        if (options != null) {
            settings.putAll(options(options));
        }
        startup.forEach((name, value) -> {
            if (!name.equals("user")
                    && !name.equals("database")
                    && !name.equals("options")
                    && !name.startsWith("_pq_.")) {
                settings.put(name.toLowerCase(Locale.ROOT), value);
            }
        });
        return settings;
    }

    /**
     * The upstream StartupMessage's parameters: the forced user and database, then each requested
     * setting, once it has passed the rules above.
     *
     * @param allowed the Service's {@code allowedParameters}: names, or {@code prefix.*} namespaces
     * @throws Refused naming the first setting that may not pass
     */
    public static Map<String, String> upstream(
            Map<String, String> requested, String user, String database, List<String> allowed) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("user", user);
        out.put("database", database);
        requested.forEach((name, value) -> {
            check(name, value, allowed);
            out.put(name, value);
        });
        return out;
    }

    private static void check(String name, String value, List<String> allowed) {
        if (IDENTITY.contains(name)) {
            throw new Refused(
                    SqlState.INSUFFICIENT_PRIVILEGE,
                    "the startup parameter " + name + " may not be set"
                            + " through Portcullis: the Service decides the upstream role",
                    "leave " + name + " out of the" + " connection parameters and PGOPTIONS");
        }
        if (name.equals("standard_conforming_strings") && !isTrue(value)) {
            throw new Refused(
                    SqlState.INVALID_PARAMETER_VALUE,
                    "standard_conforming_strings=" + printable(value)
                            + " is refused through Portcullis: with it off the server reads backslashes in literals as"
                            + " escapes, and would see statements differently from the proxy's authorization and audit",
                    "leave standard_conforming_strings on (PostgreSQL's default)");
        }
        if (name.equals("client_encoding") && CLIENT_ONLY_ENCODINGS.contains(normalEncoding(value))) {
            throw new Refused(
                    SqlState.INVALID_PARAMETER_VALUE,
                    "client_encoding " + printable(value) + " is refused"
                            + " through Portcullis: in it a quote or backslash byte can be part of a character, so the"
                            + " server could read a statement differently from the proxy",
                    "use client_encoding UTF8");
        }
        if (PostgresSettings.userSettable(name) || allows(allowed, name)) {
            return;
        }
        String hint = "a Service may allow it by name (spec.config.postgres.allowedParameters)";
        if (PostgresSettings.context(name).isEmpty()) {
            throw new Refused(
                    SqlState.UNDEFINED_OBJECT,
                    "unrecognized configuration parameter \"" + printable(name)
                            + "\" in the startup packet: Portcullis forwards only the settings PostgreSQL lets any user set",
                    hint);
        }
        throw new Refused(
                SqlState.INSUFFICIENT_PRIVILEGE,
                "permission denied to set parameter \"" + name
                        + "\" at connect through Portcullis: only a superuser or the server's configuration may set it",
                hint);
    }

    static boolean allows(List<String> allowed, String name) {
        for (String a : allowed) {
            String entry = a.toLowerCase(Locale.ROOT);
            if (entry.equals(name) || entry.endsWith(".*") && name.startsWith(entry.substring(0, entry.length() - 1))) {
                return true;
            }
        }
        return false;
    }

    /** PostgreSQL's reading of a boolean's true values (parse_bool: prefixes of true and yes, on, 1). */
    private static boolean isTrue(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        return !v.isEmpty() && ("true".startsWith(v) || "yes".startsWith(v) || v.equals("on") || v.equals("1"));
    }

    /** As PostgreSQL compares encoding names (clean_encoding_name): letters and digits only, lower case. */
    private static String normalEncoding(String value) {
        return value.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    /**
     * Reads {@code options} as PostgreSQL does (words split on white space, a backslash escapes
     * the next character; {@code -c name=value}, {@code -cname=value} or {@code --name=value},
     * dashes in a name meaning underscores); any other switch is refused.
     */
    static Map<String, String> options(String options) {
        Map<String, String> settings = new LinkedHashMap<>();
        List<String> words = words(options);
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            String setting;
            if (w.equals("-c")) {
                if (i + 1 >= words.size()) {
                    throw new Refused(
                            SqlState.PROTOCOL_VIOLATION,
                            "the options startup parameter ends with -c and no" + " name=value",
                            null);
                }
                setting = words.get(++i);
            } else if (w.startsWith("--") || w.startsWith("-c")) {
                setting = w.substring(2);
            } else {
                throw new Refused(
                        SqlState.PROTOCOL_VIOLATION,
                        "the options startup parameter may only hold -c"
                                + " name=value settings through Portcullis, not \"" + printable(w) + "\"",
                        "write each setting of PGOPTIONS as -c name=value");
            }
            int eq = setting.indexOf('=');
            if (eq <= 0) {
                throw new Refused(
                        SqlState.PROTOCOL_VIOLATION,
                        "the options startup parameter has \"" + printable(setting) + "\", not name=value",
                        "write each setting of PGOPTIONS as -c name=value");
            }
            settings.put(
                    setting.substring(0, eq).replace('-', '_').toLowerCase(Locale.ROOT), setting.substring(eq + 1));
        }
        return settings;
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
