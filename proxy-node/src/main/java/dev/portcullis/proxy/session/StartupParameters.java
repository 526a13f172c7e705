package dev.portcullis.proxy.session;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which client startup parameters reach the upstream. The upstream user and database always
 * come from the Service. A startup parameter can set any GUC (`role` included), so only
 * harmless session settings pass; `options` only where the Service allows it.
 */
public final class StartupParameters {
    static final Set<String> FORWARDED = Set.of("application_name", "client_encoding", "datestyle", "timezone",
            "intervalstyle", "extra_float_digits", "lc_monetary", "lc_numeric", "lc_time", "bytea_output",
            "standard_conforming_strings");

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

    /** The upstream StartupMessage parameters: forced user and database, then what may pass. */
    public static Map<String, String> upstream(Map<String, String> client, String user, String database,
            boolean allowOptions) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("user", user);
        out.put("database", database);
        client.forEach((name, value) -> {
            String key = name.toLowerCase(Locale.ROOT);
            if (FORWARDED.contains(key) || (allowOptions && key.equals("options"))) {
                out.put(name, value);
            }
        });
        return out;
    }
}
